/**
 * Answers of Lark's app-bot open APIs. Sources (checked 2026, see README "Lark app API"):
 * - the auth endpoint answers HTTP 200 even on failure: 10003 "invalid param" for a malformed or
 *   empty app_id/app_secret, 10014 "app id not exists" / "app secret invalid" (live probes, bridges);
 * - 99991661 / 99991663 with HTTP 400 for a missing / invalid tenant token (live probes; the
 *   official Go SDK refreshes its token on 99991663, which is what an expired token answers);
 * - the im/v1 message errors are HTTP 400 with the codes and texts of the "send message" and
 *   "update sent card" error tables; 230001 carries the failing field after `ext=`;
 * - 99992402 "field validation failed" for a missing required field or query parameter.
 */
import { randomBytes } from 'node:crypto';
import type { LarkReply } from './types';

export const APP_CODES = {
  badRequest: 9499,
  invalidParam: 10003,
  appCredentials: 10014,
  invalidRequestParameter: 230001,
  frequencyLimited: 230020,
  contentTooLong: 230025,
  tooOldToEdit: 230031,
  cardContentFailed: 230099,
  missingToken: 99991661,
  invalidToken: 99991663,
  fieldValidation: 99992402,
} as const;

export const APP_MESSAGES = {
  badRequest: 'Bad Request',
  invalidParam: 'invalid param',
  appIdNotExists: 'app id not exists',
  appSecretInvalid: 'app secret invalid',
  frequencyLimited: 'This operation triggers the frequency limit.',
  contentTooLong: 'The length of the message content reaches its limit.',
  tooOldToEdit: 'Message can only be modified within 14 days after sending.',
  missingToken: 'Missing access token for authorization. Please make a request with token attached.',
  invalidToken: 'Invalid access token for authorization. Please make a request with token attached.',
  fieldValidation: 'field validation failed',
} as const;

/** 230001's text: the documented prefix plus the failing field, as Lark writes it. */
export function invalidParameter(ext: string): string {
  return `Your request contains an invalid request parameter, ext=${ext}`;
}

/** 230099's text for a card that is not a JSON object (sub-code 200621 of the error tables). */
export function cardParseError(detail: string): string {
  return `Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err, please check whether the card json is correct; ErrorValue: ${detail}`;
}

/** Lark's log ids: a UTC timestamp then hex, 34 characters; only there to look like the real thing. */
export function logId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** Auth endpoint errors: HTTP 200, `{code, data:{}, msg}`. */
export function authError(code: number, msg: string): LarkReply {
  return { status: 200, body: { code, data: {}, msg } };
}

/** Open API errors: HTTP 400, `{code, msg, error:{log_id, ...}}`. */
export function openApiError(code: number, msg: string, nowMs: number, error: Record<string, unknown> = {}): LarkReply {
  return { status: 400, body: { code, msg, error: { log_id: logId(nowMs), ...error } } };
}

/** 99992402 naming the field, in the `field_violations` shape of Lark's error object. */
export function fieldViolation(field: string, description: string, nowMs: number): LarkReply {
  return openApiError(APP_CODES.fieldValidation, APP_MESSAGES.fieldValidation, nowMs, {
    field_violations: [{ field, description }],
  });
}
