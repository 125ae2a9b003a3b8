import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter, bodyErrorMiddleware } from './api-exception.filter';
import { listenInternal, portGate } from './internal-port';
import { JsonLogger } from './json.logger';
import { redact } from './redact';

export interface ServiceBootstrap {
  name: string;
  module: Type<unknown> | DynamicModule;
  port: number;
  host: string;
  /** /metrics, /readyz with its checks, /internal/config: `internalPort(...)`, on INTERNAL_HOST. */
  internal: { port: number; host: string };
  logger: JsonLogger;
  bodyLimit?: string;
  /** Also takes url-encoded form bodies. */
  forms?: boolean;
  /** Keeps each JSON body's bytes as received (`request.rawBody`): for signatures over the body (Lark's callbacks). */
  rawBody?: boolean;
}

/** Process warnings become JSON log lines like everything else. */
function logProcessWarnings(logger: JsonLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    // kafkajs 2.2.4 arms a timer with a negative delay on Node >= 23, which Node clamps to 1 ms:
    // harmless, and it would otherwise print on every start.
    const level = warning.name === 'TimeoutNegativeWarning' ? 'debug' : 'warn';
    logger.event(level, warning.message, { warning: warning.name });
  });
}

/** The part of Express' response the header middleware uses (no @types/express in the workspace). */
interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/** `frame-ancestors` for browsers that read CSP, `X-Frame-Options` for those that do not. A page setting its own CSP must keep the directive. */
export const FRAME_ANCESTORS_NONE = "frame-ancestors 'none'";

function frameDenial(_request: unknown, response: HeaderResponse, next: () => void): void {
  response.setHeader('Content-Security-Policy', FRAME_ANCESTORS_NONE);
  response.setHeader('X-Frame-Options', 'DENY');
  next();
}

/** One way every service starts: JSON logs, one error shape, graceful shutdown, HTTP on a public and an internal port. */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestApplication> {
  const { logger } = options;
  logProcessWarnings(logger);
  const app = await NestFactory.create<NestExpressApplication>(options.module, { logger, bodyParser: false, rawBody: options.rawBody ?? false });
  // No service says what it is built on, and none is ever shown inside another site's frame
  // (the console's pages act on alerts: a frame would let another site dress up its buttons).
  // First, so every answer has them, errors of the body parsers included.
  app.disable('x-powered-by');
  app.use(frameDenial);
  app.use(portGate);
  app.useBodyParser('json', { limit: options.bodyLimit ?? '256kb' });
  // HTML forms (the console's action-link pages) post url-encoded bodies.
  if (options.forms) app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
  app.use(bodyErrorMiddleware);
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.enableShutdownHooks();
  // Module init hooks (producer connected, config caught up, database open) finish before any
  // consumer takes a message: consumers (libs/kafka's BatchConsumer) start in application
  // bootstrap hooks, which finish before the HTTP port opens.
  await app.init();
  await app.listen(options.port, options.host);
  const { port, host } = options.internal;
  await listenInternal(app.getHttpAdapter().getInstance(), port, host);
  logger.event('info', 'listening', { url: `http://${options.host}:${options.port}`, internalUrl: `http://${host}:${port}` });
  return app;
}

/** Runs a service's main; a failure to start is one redacted JSON line on stderr and exit code 1. */
export function runService(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const line = JSON.stringify({ time: new Date().toISOString(), service, level: 'fatal', message: String(error) });
    process.stderr.write(`${redact(line)}\n`);
    process.exit(1);
  });
}
