import { existsSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Module, NotFoundException, Param, Res } from '@nestjs/common';

/** The part of Express' response this controller uses (no @types/express in the workspace). */
interface Response {
  setHeader(name: string, value: string): void;
  sendFile(file: string): void;
  redirect(status: number, url: string): void;
}

/**
 * The web UI: plain ES modules and CSS in apps/console/ui, served as they are (no bundler, no CDN).
 * Found beside the sources (`apps/console/src/..`) or, from the compiled `dist/apps/console/src`,
 * back in the source tree of the same checkout.
 */
const UI_DIR = [path.resolve(__dirname, '..', 'ui'), path.resolve(__dirname, '..', '..', '..', '..', 'apps', 'console', 'ui')].find((dir) =>
  existsSync(path.join(dir, 'index.html')),
);

const ASSET_NAME = /^[a-z0-9-]+\.(js|css|svg)$/;

@Controller()
export class WebUiController {
  @Get()
  index(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  /** A card's link to its group: the UI's page of it. */
  @Get('alert-groups/:id')
  alertGroup(@Param('id') id: string, @Res() response: Response): void {
    response.redirect(302, `/#/alert-groups/${encodeURIComponent(id)}`);
  }

  @Get('ui/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!ASSET_NAME.test(file)) throw new NotFoundException({ error: 'not_found', message: `no such file ${file}` });
    this.send(response, file);
  }

  private send(response: Response, file: string): void {
    if (!UI_DIR || !existsSync(path.join(UI_DIR, file))) throw new NotFoundException({ error: 'not_found', message: `no such file ${file}` });
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'");
    response.sendFile(path.join(UI_DIR, file));
  }
}

@Module({ controllers: [WebUiController] })
export class WebUiModule {}
