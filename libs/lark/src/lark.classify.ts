/**
 * What a webhook answer means for the sender (LARK.md, "Custom-bot webhook"). Lark's HTTP status is
 * not reliable (errors come with 400 and with 200), so the body's `code` decides; the status only
 * matters when there is no code. Exactly one of ok / rateLimited / transient / permanent is true;
 * `retryable` is rateLimited || transient.
 */

export type LarkOutcome = 'ok' | 'rate-limited' | 'transient' | 'permanent';

export interface LarkClassification {
  outcome: LarkOutcome;
  ok: boolean;
  rateLimited: boolean;
  transient: boolean;
  permanent: boolean;
  retryable: boolean;
  /** Short machine-friendly reason, e.g. `token-invalid`, `rate-limited`, `http-503`. */
  reason: string;
}

export interface LarkResponseResult extends LarkClassification {
  kind: 'response';
  httpStatus: number;
  code?: number;
  msg?: string;
}

export const LARK_CODES = {
  ok: 0,
  badRequest: 9499,
  frequencyLimited: 11232,
  tokenInvalid: 19001,
  signatureMismatch: 19021,
  ipNotAllowed: 19022,
  keywordNotFound: 19024,
  messageTooLarge: 19036,
  /** App API (LARK.md, "Lark app"): the tenant token expired or was revoked; get a new one. */
  tenantTokenInvalid: 99991663,
  /** App API: the app's request rate, and a message's 5 edits/s. */
  appRateLimited: 99991400,
  messageEditRateLimited: 230020,
} as const;

const PERMANENT_CODES: Record<number, string> = {
  [LARK_CODES.tokenInvalid]: 'token-invalid',
  [LARK_CODES.signatureMismatch]: 'signature-mismatch',
  [LARK_CODES.ipNotAllowed]: 'ip-not-allowed',
  [LARK_CODES.keywordNotFound]: 'keyword-not-found',
  [LARK_CODES.messageTooLarge]: 'message-too-large',
};

/** Wording Lark uses when 9499 means throttling rather than a malformed body. */
const RATE_LIMIT_TEXT = /too many requests?|frequency|rate limit/i;

export function classification(outcome: LarkOutcome, reason: string): LarkClassification {
  return {
    outcome,
    ok: outcome === 'ok',
    rateLimited: outcome === 'rate-limited',
    transient: outcome === 'transient',
    permanent: outcome === 'permanent',
    retryable: outcome === 'rate-limited' || outcome === 'transient',
    reason,
  };
}

/** `code` and `msg` of an answer; older answers only carry `StatusCode` / `StatusMessage`. */
export function parseLarkBody(body: unknown): { code?: number; msg?: string } {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const code = [record['code'], record['StatusCode']].find((c) => typeof c === 'number' && Number.isInteger(c));
  const msg = [record['msg'], record['StatusMessage']].find((m) => typeof m === 'string');
  return { ...(code !== undefined ? { code: code as number } : {}), ...(msg !== undefined ? { msg: msg as string } : {}) };
}

function byHttpStatus(httpStatus: number, fallback: string): LarkClassification | undefined {
  if (httpStatus === 429) return classification('rate-limited', 'http-429');
  if (httpStatus >= 500 || httpStatus === 408) return classification('transient', `http-${httpStatus}`);
  return fallback ? classification('permanent', fallback) : undefined;
}

/**
 * Classifies an answer. `body` is the raw text or the parsed JSON.
 * - code 0 with a 2xx status: ok.
 * - 9499: rate-limited when the message says so ("too many request") or the status is 429,
 *   otherwise a permanent bad request. 11232: rate-limited.
 * - 19001, 19021, 19022, 19024, 19036: permanent (19021: the caller may re-sign once first).
 * - Any other non-zero code: permanent (`unknown-code-<n>`) unless the status is 5xx, 408 or 429:
 *   an unknown code is a request Lark refused, and retrying it blindly would repeat the refusal.
 * - No code: 5xx and 408 transient, 429 rate-limited, anything else permanent (`no-lark-code`),
 *   since LARK.md says to confirm success from the code, never assume it.
 */
export function classifyLarkResponse(httpStatus: number, body: unknown): LarkResponseResult {
  const { code, msg } = parseLarkBody(body);
  const base = { kind: 'response' as const, httpStatus, ...(code !== undefined ? { code } : {}), ...(msg !== undefined ? { msg } : {}) };
  const decide = (): LarkClassification => {
    if (code === undefined) return byHttpStatus(httpStatus, 'no-lark-code')!;
    if (code === LARK_CODES.ok) {
      return httpStatus >= 200 && httpStatus < 300 ? classification('ok', 'ok') : byHttpStatus(httpStatus, `http-${httpStatus}`)!;
    }
    if (code === LARK_CODES.badRequest) {
      return RATE_LIMIT_TEXT.test(msg ?? '') || httpStatus === 429
        ? classification('rate-limited', 'too-many-requests')
        : classification('permanent', 'bad-request');
    }
    if (code === LARK_CODES.frequencyLimited || code === LARK_CODES.appRateLimited || code === LARK_CODES.messageEditRateLimited) return classification('rate-limited', 'frequency-limited');
    if (code === LARK_CODES.tenantTokenInvalid) return classification('transient', 'tenant-token-invalid');
    const known = PERMANENT_CODES[code];
    if (known) return classification('permanent', known);
    return byHttpStatus(httpStatus, '') ?? classification('permanent', `unknown-code-${code}`);
  };
  return { ...base, ...decide() };
}
