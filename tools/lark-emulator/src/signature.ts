/**
 * Lark custom-bot signature: string_to_sign = `${timestamp}\n${secret}`, used as the HMAC-SHA256
 * KEY over an EMPTY message; sign = base64 of the digest. `timestamp` is in seconds, sent as a
 * string, and must lie within one hour of Lark's clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_SECONDS = 3600;

export function larkSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/** True when `body.timestamp`/`body.sign` are valid for `secret` at `nowMs`. */
export function verifySignature(body: Record<string, unknown>, secret: string, nowMs: number): boolean {
  const { timestamp, sign } = body;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  if (typeof sign !== 'string' || sign.length === 0) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(larkSign(timestamp, secret));
  const given = Buffer.from(sign);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
