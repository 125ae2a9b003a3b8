import { Controller, Get } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi';

/** The API's OpenAPI 3.1 document; no token needed. */
@Controller('api')
export class DocsController {
  private readonly document = buildOpenApiDocument();

  @Get('docs')
  docs() {
    return this.document;
  }
}
