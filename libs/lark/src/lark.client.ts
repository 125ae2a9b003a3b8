/**
 * One POST to a Lark webhook with undici. Never throws: every outcome, network failures included,
 * comes back classified so the sender can decide between done, retry with backoff, and give up.
 * Redirects are not followed (undici's request does not), so a validated URL cannot bounce elsewhere.
 */
import { request, type Dispatcher } from 'undici';
import { classification, classifyLarkResponse, type LarkClassification, type LarkResponseResult } from './lark.classify';

export interface PostOptions {
  /** Whole-request deadline: connect, headers and body. */
  timeoutMs: number;
  /** An undici Agent/Pool/MockAgent; the global dispatcher otherwise. */
  dispatcher?: Dispatcher;
}

export type TransportErrorKind = 'timeout' | 'connection' | 'invalid-request' | 'unknown';

export interface LarkTransportError extends LarkClassification {
  kind: 'error';
  errorKind: TransportErrorKind;
  /** Node or undici error code when there is one (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...). */
  errorCode?: string;
  message: string;
}

export type LarkPostResult = (LarkResponseResult | LarkTransportError) & { durationMs: number };

/** Answers are tiny; anything beyond this is not a Lark answer and is not read further. */
const MAX_ANSWER_BYTES = 64 * 1024;

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const INVALID_CODES = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'UND_ERR_NOT_SUPPORTED']);

/**
 * Timeouts and connection failures are transient (the message may or may not have arrived; the
 * notification id keeps a retry from showing twice in the ledger); an invalid request is permanent;
 * anything unrecognised is treated as transient, like other failures before an answer.
 */
export function classifyTransportError(error: unknown): LarkTransportError {
  const err = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const errorCode = typeof err.code === 'string' ? err.code : undefined;
  const name = typeof err.name === 'string' ? err.name : '';
  const message = typeof err.message === 'string' && err.message ? err.message : String(error);
  let errorKind: TransportErrorKind;
  if (name === 'TimeoutError' || (errorCode && TIMEOUT_CODES.has(errorCode))) errorKind = 'timeout';
  else if ((errorCode && INVALID_CODES.has(errorCode)) || name === 'InvalidArgumentError') errorKind = 'invalid-request';
  else if (errorCode && /^(E[A-Z]+|UND_ERR_(SOCKET|CLOSED|DESTROYED))$/.test(errorCode)) errorKind = 'connection';
  else if (err.cause !== undefined && err.cause !== error) return { ...classifyTransportError(err.cause), message };
  else errorKind = 'unknown';
  const verdict = errorKind === 'invalid-request' ? classification('permanent', 'invalid-request') : classification('transient', errorKind);
  return { kind: 'error', errorKind, ...(errorCode ? { errorCode } : {}), message, ...verdict };
}

async function readAnswer(body: AsyncIterable<Buffer | Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_ANSWER_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** POSTs `body` (an object, serialised as JSON, or a ready JSON string) and classifies the answer. */
export async function postToLark(webhookUrl: string, body: unknown, options: PostOptions): Promise<LarkPostResult> {
  const answer = await requestLark('POST', webhookUrl, body, {}, options);
  return answer.result;
}

/**
 * One JSON request to Lark (a webhook, or the app API with its bearer token); never throws. The
 * answer's text comes back too, for the app API's `data` (a message id, a tenant token).
 */
export async function requestLark(
  method: 'POST' | 'PATCH',
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<{ result: LarkPostResult; text?: string }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let payload: string;
  try {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  } catch (error) {
    const message = `body is not serialisable as JSON: ${error instanceof Error ? error.message : String(error)}`;
    return { result: { kind: 'error', errorKind: 'invalid-request', message, ...classification('permanent', 'invalid-request'), durationMs: 0 } };
  }
  try {
    const response = await request(url, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: payload,
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = await readAnswer(response.body);
    return { result: { ...classifyLarkResponse(response.statusCode, text), durationMs: elapsed() }, text };
  } catch (error) {
    return { result: { ...classifyTransportError(error), durationMs: elapsed() } };
  }
}
