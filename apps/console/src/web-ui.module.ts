import { existsSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Module, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { FRAME_ANCESTORS_NONE } from '@alertlark/service-kit';

/** The parts of Express' request and response this controller uses (no @types/express in the workspace). */
interface Request {
  originalUrl: string;
}

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

  /**
   * Cards' other links (lark-sender): `/alerts?group=` (a group without an id), `/deliveries?digestId=`
   * (a digest card), `/stats?objectId=` (a daily summary). The UI routes in the fragment, so each
   * becomes its page there with the query as it came; the page reads the query.
   */
  @Get('alerts')
  alerts(@Req() request: Request, @Res() response: Response): void {
    this.toPage('alerts', request, response);
  }

  @Get('deliveries')
  deliveries(@Req() request: Request, @Res() response: Response): void {
    this.toPage('deliveries', request, response);
  }

  @Get('stats')
  stats(@Req() request: Request, @Res() response: Response): void {
    this.toPage('stats', request, response);
  }

  @Get('ui/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!ASSET_NAME.test(file)) throw new NotFoundException({ error: 'not_found', message: `no such file ${file}` });
    this.send(response, file);
  }

  private toPage(page: string, request: Request, response: Response): void {
    const query = request.originalUrl.indexOf('?');
    response.redirect(302, `/#/${page}${query >= 0 ? request.originalUrl.slice(query) : ''}`);
  }

  private send(response: Response, file: string): void {
    if (!UI_DIR || !existsSync(path.join(UI_DIR, file))) throw new NotFoundException({ error: 'not_found', message: `no such file ${file}` });
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; ${FRAME_ANCESTORS_NONE}`);
    response.sendFile(path.join(UI_DIR, file));
  }
}

@Module({ controllers: [WebUiController] })
export class WebUiModule {}
