import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Lark app callbacks (LARK.md, "Lark app"): the signature check, the `{"encrypt":"…"}` envelope and
 * the two shapes the console answers, the URL-verification challenge and `card.action.trigger`.
 * Pure: the caller passes headers, the raw body as received, the app's secrets and the clock.
 */

export type LarkCallback =
  | { kind: 'url_verification'; challenge: string }
  | {
      kind: 'card_action';
      eventId: string;
      appId: string;
      /** epoch milliseconds */
      createTime: number;
      operator: { openId: string; userId?: string; unionId?: string };
      value: Record<string, unknown>;
      messageId?: string;
      chatId?: string;
      /** for the delayed card update: valid 30 min, usable twice */
      callbackToken?: string;
    };

export type CallbackCheck = { ok: true; callback: LarkCallback } | { ok: false; status: 400 | 401 | 403; reason: string };

export type CardActionAnswer = {
  toast: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card?: { type: 'raw'; data: object };
};

const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;
const SIGNATURE_HEADERS = ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature'] as const;

/** hex(SHA-256(timestamp + nonce + encryptKey + rawBody)): a plain hash, not an HMAC. */
export function larkCallbackSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody, 'utf8').digest('hex');
}

/** AES-256-CBC with key SHA-256(encryptKey); the value is base64(iv ‖ ciphertext). */
export function decryptLarkPayload(encryptKey: string, encrypted: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || encrypted.length % 4 !== 0) {
    throw new Error('the encrypted callback is not base64');
  }
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32 || bytes.length % 16 !== 0) {
    throw new Error(`the encrypted callback has ${bytes.length} bytes; expected a 16-byte IV and whole AES blocks`);
  }
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), bytes.subarray(0, 16));
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]);
  } catch {
    throw new Error('the callback does not decrypt with this encrypt key (bad padding)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new Error('the decrypted callback is not UTF-8: wrong encrypt key?');
  }
}

/** The inverse of `decryptLarkPayload`, as Lark encrypts: a random IV unless one is given. */
export function encryptLarkPayload(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  if (iv.length !== 16) throw new RangeError(`the IV must be 16 bytes, got ${iv.length}`);
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

const encryptedBodySchema = z.object({ encrypt: z.string().min(1) });
const challengeSchema = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1), token: z.string() });
const envelopeSchema = z.object({
  schema: z.literal('2.0'),
  header: z.object({
    event_id: z.string().min(1),
    event_type: z.string().min(1),
    app_id: z.string().min(1),
    token: z.string(),
    create_time: z.string().regex(/^\d{1,17}$/),
  }),
  event: z.unknown(),
});
const cardActionEventSchema = z.object({
  operator: z.object({ open_id: z.string().min(1), user_id: z.string().optional(), union_id: z.string().optional() }),
  token: z.string().optional(),
  // Lark allows a string `value`; our buttons always send an object, so a string is not ours.
  action: z.object({ value: z.record(z.string(), z.unknown()).default({}) }),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).optional(),
});

/**
 * Reads one callback. Order: signature and clock (when the app has an encrypt key), decryption,
 * shape, verification token, event type. Replays of an `event_id` are the caller's to refuse.
 */
export function readLarkCallback(input: {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  encryptKey?: string;
  verificationToken: string;
  now: number;
  maxAgeMs?: number;
}): CallbackCheck {
  const { rawBody, verificationToken, now } = input;
  const encryptKey = input.encryptKey || undefined;
  const headers = lowerCaseHeaders(input.headers);
  const signed = SIGNATURE_HEADERS.some((name) => headers.has(name));
  if (encryptKey && signed) {
    const problem = signatureProblem(headers, encryptKey, rawBody, now, input.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
    if (problem) return { ok: false, status: 401, reason: problem };
  }

  const body = parseJson(rawBody);
  if (body === undefined) return refuse(400, 'the body is not JSON');
  let plain: unknown = body;
  const encrypted = encryptedBodySchema.safeParse(body);
  if (encryptKey) {
    if (!encrypted.success) return refuse(400, 'expected an encrypted body {"encrypt":"…"}: the app has an encrypt key');
    try {
      plain = parseJson(decryptLarkPayload(encryptKey, encrypted.data.encrypt));
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
    if (plain === undefined) return refuse(400, 'the decrypted body is not JSON');
  } else if (encrypted.success) {
    return refuse(400, 'the body is encrypted but no encrypt key is configured for this app');
  }

  const challenge = challengeSchema.safeParse(plain);
  if (challenge.success) {
    // Lark documents no signature for the URL check and its Go SDK checks none; with an encrypt
    // key the challenge is still authenticated by decrypting and by the verification token.
    if (!safeEqual(challenge.data.token, verificationToken)) return refuse(403, 'the verification token does not match');
    return { ok: true, callback: { kind: 'url_verification', challenge: challenge.data.challenge } };
  }
  if (encryptKey && !signed) return refuse(401, `missing signature headers (${SIGNATURE_HEADERS.join(', ')})`);

  const envelope = envelopeSchema.safeParse(plain);
  if (!envelope.success) {
    return refuse(400, `not a schema 2.0 callback (an old-style card callback? choose the new card.action.trigger): ${issues(envelope.error)}`);
  }
  const { header } = envelope.data;
  if (!safeEqual(header.token, verificationToken)) return refuse(403, 'the verification token does not match');
  if (header.event_type !== 'card.action.trigger') return refuse(400, `unsupported event type "${header.event_type}"`);
  const event = cardActionEventSchema.safeParse(envelope.data.event);
  if (!event.success) return refuse(400, `not a card.action.trigger event: ${issues(event.error)}`);

  const { operator, action, context, token } = event.data;
  return {
    ok: true,
    callback: {
      kind: 'card_action',
      eventId: header.event_id,
      appId: header.app_id,
      createTime: epochMs(Number(header.create_time)),
      operator: { openId: operator.open_id, userId: nonEmpty(operator.user_id), unionId: nonEmpty(operator.union_id) },
      value: action.value,
      messageId: nonEmpty(context?.open_message_id),
      chatId: nonEmpty(context?.open_chat_id),
      callbackToken: nonEmpty(token),
    },
  };
}

/** The answer to a card action: a toast, and a replacement card when the card should change. */
export function cardActionAnswer(toast: CardActionAnswer['toast'], card?: object): CardActionAnswer {
  return card === undefined ? { toast } : { toast, card: { type: 'raw', data: card } };
}

function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

function signatureProblem(headers: Map<string, string | undefined>, encryptKey: string, rawBody: string, now: number, maxAgeMs: number): string | undefined {
  const [timestamp, nonce, signature] = SIGNATURE_HEADERS.map((name) => headers.get(name));
  if (!timestamp || !nonce || !signature) return `missing or repeated signature headers (${SIGNATURE_HEADERS.join(', ')})`;
  if (!safeEqual(signature.toLowerCase(), larkCallbackSignature(timestamp, nonce, encryptKey, rawBody))) return 'the signature does not match';
  const sentAt = headerTime(timestamp);
  if (sentAt === undefined) return 'x-lark-request-timestamp is not a time';
  // Lark documents no window: without one a captured request could be replayed forever.
  if (Math.abs(now - sentAt) > maxAgeMs) {
    return `the request timestamp is ${Math.round(Math.abs(now - sentAt) / 1000)} s ${sentAt < now ? 'old' : 'ahead'}, outside ±${maxAgeMs / 1000} s`;
  }
  return undefined;
}

/**
 * Documented as Unix seconds. One open-source bridge reports card callbacks carrying Go's
 * `time.String()` instead (`2026-10-04 18:23:46.052290112 +0800 CST m=+3612.1`); the signature is
 * over the raw header either way, so both are read for the clock check.
 */
function headerTime(value: string): number | undefined {
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const go = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? ([+-]\d{2})(\d{2})(?: |$)/.exec(value);
  if (!go) return undefined;
  const [, date, time, fraction = '', offsetHours, offsetMinutes] = go;
  const ms = Date.parse(`${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}${offsetHours}:${offsetMinutes}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The docs call `create_time` microseconds (16 digits); Lark's own CLI tests carry milliseconds (13). */
function epochMs(createTime: number): number {
  return createTime >= 1e14 ? Math.floor(createTime / 1000) : createTime;
}

/** Node lower-cases header names already; other callers may not. A repeated header counts as absent. */
function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Map<string, string | undefined> {
  const lower = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    lower.set(name.toLowerCase(), typeof value === 'string' ? value : value.length === 1 ? value[0] : undefined);
  }
  return lower;
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function safeEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function refuse(status: 400 | 401 | 403, reason: string): CallbackCheck {
  return { ok: false, status, reason };
}
