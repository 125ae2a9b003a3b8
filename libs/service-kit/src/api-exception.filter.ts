import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { ApiError } from '@alertlark/contracts';
import type { JsonLogger } from './json.logger';

interface HttpResponse {
  status(code: number): { json(body: unknown): void };
  headersSent?: boolean;
}

const errorNames: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
  502: 'bad_gateway',
  503: 'unavailable',
};

/** Turns anything thrown in a request into the one error shape, `{error, message, details}`. */
export function toApiError(exception: unknown): { status: number; body: ApiError } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && 'error' in response && 'message' in response) {
      const { error, message, details } = response as ApiError;
      // Ours carry a snake_case code; Nest's own (e.g. unknown routes) say "Not Found" and are mapped below.
      if (typeof error === 'string' && /^[a-z_]+$/.test(error) && typeof message === 'string') {
        return { status, body: { error, message, ...(details !== undefined ? { details } : {}) } };
      }
    }
    // Nest's own, and ones thrown with a list of messages (`new BadRequestException(['a', 'b'])`).
    const messages = typeof response === 'object' && response !== null && Array.isArray((response as { message?: unknown }).message) ? ((response as { message: unknown[] }).message.map(String)) : undefined;
    const error = errorNames[status] ?? (status >= 500 ? 'internal' : 'error');
    if (messages) return { status, body: { error, message: messages.join('; '), details: messages.map((message) => ({ message })) } };
    return { status, body: { error, message: typeof response === 'string' ? response : exception.message } };
  }
  const parserError = exception as { type?: string; status?: number; message?: string; limit?: number };
  if (parserError?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: 'invalid_json', message: `request body is not valid JSON: ${parserError.message}` } };
  }
  if (parserError?.type === 'entity.too.large') {
    return { status: 413, body: { error: 'payload_too_large', message: `request body is larger than ${parserError.limit} bytes` } };
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, body: { error: errorNames[parserError.status] ?? 'bad_request', message: parserError.message ?? 'bad request' } };
  }
  // The broker (or the database) being unreachable is not the caller's fault, and retrying helps.
  const name = (exception as Error)?.name ?? '';
  if (name.startsWith('KafkaJS') || name.startsWith('MongoServerSelection') || name === 'MongoNetworkError') {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: 'unavailable', message: 'a backing service is unavailable; retry later' } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'internal', message: 'internal error' } };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const { status, body } = toApiError(exception);
    if (status >= 500) this.logger.event('error', 'request failed', { error: String(exception), stack: (exception as Error)?.stack });
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (!response.headersSent) response.status(status).json(body);
  }
}

/** Express error middleware for failures before routing (body parsing), answered in the same shape. */
export function bodyErrorMiddleware(error: unknown, _request: unknown, response: HttpResponse, next: (error?: unknown) => void): void {
  if (!error) return next();
  const { status, body } = toApiError(error);
  response.status(status).json(body);
}
