/** Lark webhook answers, as documented in /work/shared/LARK.md. */
import type { LarkReply, RateLimitStyle } from './types';

export const CODES = {
  badRequest: 9499,
  frequencyLimited: 11232,
  tokenInvalid: 19001,
  signFailed: 19021,
  keywordNotFound: 19024,
  tooLarge: 19036,
} as const;

export const MESSAGES = {
  badRequest: 'Bad Request',
  tooManyRequest: 'too many request',
  frequencyLimited: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[-1]',
  tokenInvalid: 'param invalid: incoming webhook access token invalid',
  signFailed: 'sign match fail or timestamp is not within one hour from current time',
  keywordNotFound: 'Key Words Not Found',
  tooLarge: 'request body exceeds the size limit of 20KB',
} as const;

export function success(): LarkReply {
  return {
    status: 200,
    body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
  };
}

/** Error body `{code, data, msg}`; HTTP 400 for 9499, 200 for every other code. */
export function larkError(code: number, msg: string): LarkReply {
  return { status: code === CODES.badRequest ? 400 : 200, body: { code, data: {}, msg } };
}

export function rateLimited(style: RateLimitStyle = '11232'): LarkReply {
  return style === '9499'
    ? larkError(CODES.badRequest, MESSAGES.tooManyRequest)
    : larkError(CODES.frequencyLimited, MESSAGES.frequencyLimited);
}
