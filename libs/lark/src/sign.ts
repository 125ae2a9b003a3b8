import { createHmac } from 'node:crypto';

/**
 * Signature of a Lark custom bot (LARK.md, "Signature"): base64(HMAC-SHA256) whose KEY is
 * `timestamp + "\n" + secret` and whose MESSAGE is empty. The timestamp is in seconds.
 * (DingTalk signs `timestamp\nsecret` as the message with the secret as key, in milliseconds:
 * a common mistake that Lark answers with 19021.)
 */
export function larkSignature(secret: string, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestampSeconds must be a non-negative integer, got ${timestampSeconds}`);
  }
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/**
 * The body to POST: unchanged without a secret (an empty string counts as none); with one, a copy
 * carrying `timestamp` (whole seconds of `nowMs`, as a string) and `sign`.
 */
export function signedBody<T extends object>(
  body: T,
  secret: string | undefined,
  nowMs: number,
): T | (T & { timestamp: string; sign: string }) {
  if (secret === undefined || secret === '') return body;
  const timestampSeconds = Math.floor(nowMs / 1000);
  return { ...body, timestamp: String(timestampSeconds), sign: larkSignature(secret, timestampSeconds) };
}
