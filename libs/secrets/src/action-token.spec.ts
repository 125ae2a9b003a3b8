import { createHmac, randomBytes } from 'node:crypto';
import { ActionTokenClaims, ActionTokenKeys, actionTokenKeysSchema, derivedActionTokenKeys, parseActionTokenKeys, signActionToken, verifyActionToken } from './action-token';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const claims: ActionTokenClaims = { teamId: 'team-1', groupId: '665f1c2a9b1e8a0012345678', incidentId: 'inc-42', action: 'resolve' };

function keysOf(...entries: [string, Buffer][]): ActionTokenKeys {
  return parseActionTokenKeys(entries.map(([id, key]) => `${id}:${key.toString('base64')}`).join(','));
}

/** Re-signs an edited payload with the right key: proves the payload is checked, not only the MAC. */
function forge(key: Buffer, kid: string, payload: unknown[]): string {
  const signed = `v1.${kid}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest().subarray(0, 16).toString('base64url')}`;
}

function payloadOf(token: string): unknown[] {
  return JSON.parse(Buffer.from(token.split('.')[2]!, 'base64url').toString('utf8')) as unknown[];
}

function withPayload(token: string, payload: unknown[]): string {
  const [version, kid, , mac] = token.split('.');
  return [version, kid, Buffer.from(JSON.stringify(payload)).toString('base64url'), mac].join('.');
}

describe('signActionToken / verifyActionToken', () => {
  const keys = keysOf(['k2', newKey], ['k1', oldKey]);

  it('round-trips the claims, the id, the key id and the expiry', () => {
    const token = signActionToken(keys, claims, { now: NOW, id: 'tok-1' });
    expect(verifyActionToken(keys, token, NOW)).toEqual({ ok: true, claims, id: 'tok-1', expiresAt: NOW + DAY, keyId: 'k2' });
  });

  it('carries the silence duration, and only for silence', () => {
    const silence = { ...claims, action: 'silence' as const, durationMs: 2 * 60 * 60 * 1000 };
    const check = verifyActionToken(keys, signActionToken(keys, silence, { now: NOW }), NOW);
    expect(check).toMatchObject({ ok: true, claims: silence });
    expect(() => signActionToken(keys, { ...claims, durationMs: 1000 }, { now: NOW })).toThrow('only for silence');
    expect(() => signActionToken(keys, { ...silence, durationMs: -1 }, { now: NOW })).toThrow();
  });

  it('is URL-safe and short enough for a card with many buttons', () => {
    const token = signActionToken(keys, claims, { now: NOW });
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(200);
  });

  it('gives each token a fresh random id unless one is given', () => {
    const first = verifyActionToken(keys, signActionToken(keys, claims, { now: NOW }), NOW);
    const second = verifyActionToken(keys, signActionToken(keys, claims, { now: NOW }), NOW);
    expect(first.ok && second.ok && first.id !== second.id).toBe(true);
    expect(first.ok && first.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('expires at now + ttl (default 24 h): valid one millisecond before, refused at the instant', () => {
    const token = signActionToken(keys, claims, { now: NOW });
    expect(verifyActionToken(keys, token, NOW + DAY - 1).ok).toBe(true);
    expect(verifyActionToken(keys, token, NOW + DAY)).toEqual({ ok: false, reason: 'expired', message: 'this link has expired' });
    const short = signActionToken(keys, claims, { now: NOW, ttlMs: 60_000 });
    expect(verifyActionToken(keys, short, NOW + 59_999).ok).toBe(true);
    expect(verifyActionToken(keys, short, NOW + 60_000)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('rounds a sub-second expiry down, never up', () => {
    const token = signActionToken(keys, claims, { now: NOW + 999, ttlMs: 60_000 });
    expect(verifyActionToken(keys, token, NOW)).toMatchObject({ ok: true, expiresAt: NOW + 60_000 });
  });

  it('refuses a non-positive ttl and a clock that is not a time', () => {
    expect(() => signActionToken(keys, claims, { now: NOW, ttlMs: 0 })).toThrow(RangeError);
    expect(() => signActionToken(keys, claims, { now: NOW, ttlMs: Number.NaN })).toThrow(RangeError);
    expect(() => signActionToken(keys, claims, { now: Number.NaN })).toThrow(RangeError);
  });

  describe('key rotation', () => {
    const issuedBefore = signActionToken(keysOf(['k1', oldKey]), claims, { now: NOW });

    it('accepts a token of an older key while that key is listed, and signs with the first', () => {
      expect(verifyActionToken(keys, issuedBefore, NOW)).toMatchObject({ ok: true, keyId: 'k1' });
      expect(signActionToken(keys, claims, { now: NOW }).startsWith('v1.k2.')).toBe(true);
    });

    it('refuses it once the key is removed', () => {
      expect(verifyActionToken(keysOf(['k2', newKey]), issuedBefore, NOW)).toEqual({
        ok: false,
        reason: 'unknown-key',
        message: 'this link was signed with a key that is no longer accepted',
      });
    });

    it('refuses a token whose key id was swapped for another accepted key', () => {
      const swapped = issuedBefore.replace(/^v1\.k1\./, 'v1.k2.');
      expect(verifyActionToken(keys, swapped, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    });
  });

  describe('tampering', () => {
    const token = signActionToken(keys, claims, { now: NOW, id: 'tok-1' });
    const payload = payloadOf(token);
    const edits: Record<string, unknown[]> = {
      id: ['tok-2', ...payload.slice(1)],
      team: [payload[0], 'team-2', ...payload.slice(2)],
      group: [payload[0], payload[1], 'other-group', ...payload.slice(3)],
      incident: [...payload.slice(0, 3), 'inc-43', ...payload.slice(4)],
      action: [...payload.slice(0, 4), 'silence', payload[5]],
      expiry: [...payload.slice(0, 5), (payload[5] as number) + 3600],
      'an added duration': [...payload.slice(0, 4), 'silence', payload[5], 1],
    };

    it.each(Object.keys(edits))('fails when the %s is changed', (field) => {
      expect(verifyActionToken(keys, withPayload(token, edits[field]!), NOW)).toEqual({
        ok: false,
        reason: 'bad-signature',
        message: 'this link is not valid',
      });
    });

    it('fails when the MAC is changed, shortened or signed by an unknown secret', () => {
      const [version, kid, body, mac] = token.split('.');
      const flipped = Buffer.from(mac!, 'base64url');
      flipped[0] ^= 1;
      expect(verifyActionToken(keys, [version, kid, body, flipped.toString('base64url')].join('.'), NOW)).toMatchObject({ reason: 'bad-signature' });
      expect(verifyActionToken(keys, [version, kid, body, Buffer.from(mac!, 'base64url').subarray(0, 12).toString('base64url')].join('.'), NOW)).toMatchObject({
        reason: 'bad-signature',
      });
      expect(verifyActionToken(keys, forge(randomBytes(32), 'k2', payload), NOW)).toMatchObject({ reason: 'bad-signature' });
    });

    it('refuses a correctly signed payload that is not a token payload (checked after the MAC)', () => {
      expect(verifyActionToken(keys, forge(newKey, 'k2', [...payload.slice(0, 4), 'delete', payload[5]]), NOW)).toMatchObject({ reason: 'malformed' });
      expect(verifyActionToken(keys, forge(newKey, 'k2', [...payload.slice(0, 5), payload[5], 1]), NOW)).toMatchObject({ reason: 'malformed' });
      expect(verifyActionToken(keys, forge(newKey, 'k2', payload.slice(0, 5)), NOW)).toMatchObject({ reason: 'malformed' });
      expect(verifyActionToken(keys, forge(newKey, 'k2', payload), NOW)).toMatchObject({ ok: true });
    });
  });

  it.each([
    ['empty', ''],
    ['another version', 'v2.k2.e30.AAAAAAAAAAAAAAAAAAAAAA'],
    ['too few parts', 'v1.k2.e30'],
    ['too many parts', 'v1.k2.e30.AAAAAAAAAAAAAAAAAAAAAA.x'],
    ['a bad key id', 'v1.k:2.e30.AAAAAAAAAAAAAAAAAAAAAA'],
    ['non-base64url characters', 'v1.k2.e30=.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a non-canonical spelling', 'v1.k2.e31.AAAAAAAAAAAAAAAAAAAAAA'],
    ['an oversized token', `v1.k2.${'A'.repeat(4096)}.AAAAAAAAAAAAAAAAAAAAAA`],
  ])('calls %s malformed without saying more', (_, token) => {
    expect(verifyActionToken(keys, token, NOW)).toEqual({ ok: false, reason: 'malformed', message: 'not an action link' });
  });
});

describe('parseActionTokenKeys', () => {
  const hex = oldKey.toString('hex');
  const base64 = newKey.toString('base64');

  it('reads hex and base64 (both alphabets), trims spaces, and the first entry signs', () => {
    const keys = parseActionTokenKeys(` k2:${base64} , k1:${hex}, k0:${newKey.toString('base64url')}`);
    expect(keys.current).toEqual({ id: 'k2', key: newKey });
    expect([...keys.accepted.keys()]).toEqual(['k2', 'k1', 'k0']);
    expect(keys.accepted.get('k1')).toEqual(oldKey);
    expect(keys.accepted.get('k0')).toEqual(newKey);
  });

  it('accepts keys longer than 32 bytes', () => {
    expect(parseActionTokenKeys(`long:${randomBytes(64).toString('base64')}`).current.key).toHaveLength(64);
  });

  it.each([
    ['', 'no action token keys'],
    ['   ', 'no action token keys'],
    [`k1:${hex},`, 'key #2 is not kid:<key>'],
    [`k1${hex}`, 'key #1 is not kid:<key>'],
    [`:${hex}`, 'the id must be'],
    [`k.1:${hex}`, 'the id must be'],
    [`k1:${hex},k1:${base64}`, '"k1" appears twice'],
    [`k1:${randomBytes(16).toString('hex')}`, 'has 16 bytes; at least 32'],
    [`k1:${randomBytes(31).toString('base64')}`, 'has 31 bytes'],
    [`k1:${hex.slice(1)}`, 'neither hex nor base64'],
    ['k1:not*base64!', 'neither hex nor base64'],
    // Standard base64 ('+' and '/') without its padding: a random key without them would be exact base64url.
    [`k1:${Buffer.alloc(32, 0xfb).toString('base64').slice(0, -1)}`, 'neither hex nor base64'],
    ['k1:', 'neither hex nor base64'],
  ])('refuses %j: %s', (spec, message) => {
    expect(() => parseActionTokenKeys(spec)).toThrow(message);
  });

  it('never puts key material in its messages', () => {
    const short = randomBytes(16).toString('hex');
    expect(() => parseActionTokenKeys(`k1:${short}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(short) }));
  });

  it('works as a config schema, with the reason on failure', () => {
    expect(actionTokenKeysSchema.parse(`k1:${hex}`).current.id).toBe('k1');
    const parsed = actionTokenKeysSchema.safeParse('k1:abcd');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('at least 32');
  });
});

describe('derivedActionTokenKeys', () => {
  const claims = { teamId: 'team_1', groupId: 'grp_1', incidentId: 'inc_1', action: 'claim' as const };
  it('derives one key, k0, from the secret key: the same on every service that has the secret, another for another secret', () => {
    const secret = Buffer.alloc(32, 7);
    const token = signActionToken(derivedActionTokenKeys(secret), claims, { now: 0 });
    expect(token.startsWith('v1.k0.')).toBe(true);
    expect(verifyActionToken(derivedActionTokenKeys(Buffer.alloc(32, 7)), token, 1_000)).toMatchObject({ ok: true, claims, keyId: 'k0' });
    expect(verifyActionToken(derivedActionTokenKeys(Buffer.alloc(32, 8)), token, 1_000)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
