import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Signed links for acting on an alert group from a custom bot's card. A custom bot's buttons can
 * only open URLs (LARK.md), so the button opens `<console>/act/<token>` and the token carries what
 * the click may do:
 *
 *   v1.<kid>.<base64url(JSON [id, teamId, groupId, incidentId, action, expiresAtSeconds, durationMs?])>.<base64url(mac)>
 *
 * mac = the first 16 bytes of HMAC-SHA256(key[kid], "v1.<kid>.<payload>"). A JSON array rather than
 * an object, seconds rather than milliseconds and a 128-bit MAC keep the link short: a digest card
 * carries several buttons per alert group and the whole card must fit 20 KB. Single use is the
 * console's business, keyed by `id`.
 */

export const ACTION_TYPES = ['claim', 'resolve', 'silence'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionTokenClaims {
  teamId: string;
  groupId: string;
  incidentId: string;
  action: ActionType;
  /** silence duration in ms, only for 'silence' */
  durationMs?: number;
}

export interface ActionTokenKeys {
  /** signs new tokens */
  current: { id: string; key: Buffer };
  /** all accepted, including current */
  accepted: ReadonlyMap<string, Buffer>;
}

export type ActionTokenCheck =
  | { ok: true; claims: ActionTokenClaims; id: string; expiresAt: number; keyId: string }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'expired'; message: string };

const VERSION = 'v1';
const MAC_BYTES = 16;
const MIN_KEY_BYTES = 32;
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
/** Far above any token we sign; bounds the work an arbitrary URL can cause. */
const MAX_TOKEN_LENGTH = 2048;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const idSchema = z.string().min(1).max(128);
const claimsSchema = z
  .object({
    teamId: idSchema,
    groupId: idSchema,
    incidentId: idSchema,
    action: z.enum(ACTION_TYPES),
    durationMs: z.number().int().positive().optional(),
  })
  .refine((claims) => claims.durationMs === undefined || claims.action === 'silence', 'durationMs is only for silence');
const payloadSchema = z.union([
  z.tuple([idSchema, idSchema, idSchema, idSchema, z.enum(ACTION_TYPES), z.number().int().positive()]),
  z.tuple([idSchema, idSchema, idSchema, idSchema, z.literal('silence'), z.number().int().positive(), z.number().int().positive()]),
]);

/**
 * Reads the keys from their environment form `kid1:<key>,kid2:<key>`, each key 32 bytes or more as
 * hex or base64 (`openssl rand -base64 32`). The first entry signs; keeping an old entry after it
 * lets links already on cards work until they expire, removing it revokes them.
 */
export function parseActionTokenKeys(spec: string): ActionTokenKeys {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') throw new Error('no action token keys: expected kid:<key>[,kid:<key>…]');
  const accepted = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`action token key #${index + 1} is not kid:<key>`);
    const id = entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) throw new Error(`action token key #${index + 1}: the id must be 1-32 of A-Z a-z 0-9 _ -`);
    if (accepted.has(id)) throw new Error(`action token key id "${id}" appears twice`);
    const key = decodeKey(entry.slice(colon + 1).trim());
    if (!key) throw new Error(`action token key "${id}" is neither hex nor base64`);
    if (key.length < MIN_KEY_BYTES) throw new Error(`action token key "${id}" has ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`);
    accepted.set(id, key);
  });
  const [currentId, currentKey] = [...accepted][0]!;
  return { current: { id: currentId, key: currentKey }, accepted };
}

/**
 * The keys when `ALERTLARK_ACTION_LINK_KEYS` is not set: one, id `k0`, derived from the secret key
 * that seals webhook URLs (every service that signs or checks links has it), so a deployment need
 * not configure another secret until it wants to rotate link keys on their own.
 */
export function derivedActionTokenKeys(secretKey: Buffer): ActionTokenKeys {
  const key = createHmac('sha256', secretKey).update('alertlark/action-links/v1').digest();
  return { current: { id: 'k0', key }, accepted: new Map([['k0', key]]) };
}

/** The keys as an environment variable, for the config schema parsed at boot. */
export const actionTokenKeysSchema = z.string().transform((spec, ctx) => {
  try {
    return parseActionTokenKeys(spec);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export function signActionToken(
  keys: ActionTokenKeys,
  claims: ActionTokenClaims,
  options: { now: number; ttlMs?: number; id?: string },
): string {
  const valid = claimsSchema.parse(claims);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
  // Rounded down: a link never outlives what was asked.
  const expiresAtSeconds = Math.floor((options.now + ttlMs) / 1000);
  if (!Number.isSafeInteger(expiresAtSeconds) || expiresAtSeconds <= 0) throw new RangeError(`now + ttlMs is not a time: ${options.now} + ${ttlMs}`);
  const id = idSchema.parse(options.id ?? randomBytes(16).toString('base64url'));
  const payload = [id, valid.teamId, valid.groupId, valid.incidentId, valid.action, expiresAtSeconds];
  if (valid.durationMs !== undefined) payload.push(valid.durationMs);
  const signed = `${VERSION}.${keys.current.id}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signed}.${mac(keys.current.key, signed).toString('base64url')}`;
}

/**
 * Checks a token from a URL. The MAC is checked before anything in the payload is read, and the
 * message names only the reason, never which field was wrong.
 */
export function verifyActionToken(keys: ActionTokenKeys, token: string, now: number): ActionTokenCheck {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  const [version, keyId, payload, givenMac] = parts;
  if (parts.length !== 4 || version !== VERSION || !KEY_ID.test(keyId!) || !isCanonicalBase64url(payload!) || !isCanonicalBase64url(givenMac!)) {
    return refuse('malformed', 'not an action link');
  }
  const key = keys.accepted.get(keyId!);
  if (!key) return refuse('unknown-key', 'this link was signed with a key that is no longer accepted');
  const expected = mac(key, `${VERSION}.${keyId}.${payload}`);
  const given = Buffer.from(givenMac!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('bad-signature', 'this link is not valid');

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  } catch {
    return refuse('malformed', 'not an action link');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return refuse('malformed', 'not an action link');
  const [id, teamId, groupId, incidentId, action, expiresAtSeconds, durationMs] = parsed.data;
  const expiresAt = expiresAtSeconds * 1000;
  if (now >= expiresAt) return refuse('expired', 'this link has expired');
  const claims: ActionTokenClaims = { teamId, groupId, incidentId, action };
  if (durationMs !== undefined) claims.durationMs = durationMs;
  return { ok: true, claims, id, expiresAt, keyId: keyId! };
}

function mac(key: Buffer, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest().subarray(0, MAC_BYTES);
}

function refuse(reason: Extract<ActionTokenCheck, { ok: false }>['reason'], message: string): ActionTokenCheck {
  return { ok: false, reason, message };
}

/** Node's decoder skips stray characters and ignores trailing bits; only the one spelling we emit is a token. */
function isCanonicalBase64url(text: string): boolean {
  return BASE64URL.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

/**
 * Only hex digits means hex (an odd count is a truncated paste, not base64); otherwise base64 in
 * either alphabet, only in its canonical spelling.
 */
function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]+$/.test(text)) return text.length % 2 === 0 ? Buffer.from(text, 'hex') : undefined;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.toString('base64') === text || key.toString('base64url') === text ? key : undefined;
}
