import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { legacySealed } from '@alertlark/testing';
import { SecretBox, UnsealError, parseSecretKey, secretKeySchema } from './secret-box';
import { generateToken, hashToken } from './tokens';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const owner = { teamId: 'team_a', objectId: 'nobj_1' };
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/abc123';

  it('round-trips for its owner and field, in the v2 format, and never stores the plaintext', () => {
    const sealed = box.seal(url, owner, 'webhookUrl');
    expect(sealed).toMatch(/^v2:[A-Za-z0-9+/]+={0,2}$/);
    expect(sealed).not.toContain('abc123');
    expect(Buffer.from(sealed.slice(3), 'base64')).toHaveLength(12 + 16 + Buffer.byteLength(url));
    expect(box.open(sealed, owner, 'webhookUrl')).toBe(url);
    expect(box.open(box.seal('', owner, 'secret'), owner, 'secret')).toBe('');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', owner, 'secret')).not.toBe(box.seal('same', owner, 'secret'));
  });

  it.each([
    ['another team', { teamId: 'team_b', objectId: 'nobj_1' }, 'webhookUrl'],
    ['another chatbot', { teamId: 'team_a', objectId: 'nobj_2' }, 'webhookUrl'],
    ['another field', owner, 'secret'],
    ['ids that concatenate alike', { teamId: 'team_an', objectId: 'obj_1' }, 'webhookUrl'],
  ] as const)('does not open for %s', (_, other, field) => {
    const sealed = box.seal(url, owner, 'webhookUrl');
    expect(() => box.open(sealed, other, field)).toThrow(UnsealError);
    expect(() => box.open(sealed, other, field)).toThrow('sealed for another team, chatbot or field');
  });

  it('refuses a tampered ciphertext, IV or tag, and a wrong key', () => {
    const sealed = box.seal('secret', owner, 'secret');
    for (const index of [0, 12, 28]) {
      const bytes = Buffer.from(sealed.slice(3), 'base64');
      bytes[index]! ^= 1;
      expect(() => box.open(`v2:${bytes.toString('base64')}`, owner, 'secret')).toThrow(UnsealError);
    }
    expect(() => new SecretBox(randomBytes(32)).open(sealed, owner, 'secret')).toThrow(UnsealError);
  });

  it('refuses a blob too short for a 12-byte IV and a 16-byte tag, whatever the ciphertext', () => {
    const bytes = Buffer.from(box.seal('', owner, 'secret').slice(3), 'base64');
    expect(bytes).toHaveLength(28);
    // A 12-byte tag and nothing else: what a truncated tag would look like to a lenient reader.
    expect(() => box.open(`v2:${bytes.subarray(0, 24).toString('base64')}`, owner, 'secret')).toThrow('too short for its IV and tag');
    expect(() => box.open('v2:', owner, 'secret')).toThrow('too short');
  });

  it.each([
    ['no prefix', (sealed: string) => sealed.slice(3), 'not in the v2: format'],
    ['base64url', (sealed: string) => sealed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + '-_', 'not base64'],
    ['missing padding', (sealed: string) => (sealed.endsWith('=') ? sealed.replace(/=+$/, '') : `${sealed}=`), 'not base64'],
    ['a space inside', (sealed: string) => `${sealed.slice(0, 10)} ${sealed.slice(10)}`, 'not base64'],
  ])('refuses %s', (_, edit, message) => {
    // 31 bytes of plaintext: 12 + 16 + 31 = 59 bytes, base64 with one '=' of padding.
    const sealed = box.seal('x'.repeat(31), owner, 'secret');
    expect(() => box.open(edit(sealed), owner, 'secret')).toThrow(message);
  });

  describe('the old format', () => {
    const legacy = legacySealed(key, url);

    it('is refused by open', () => {
      expect(() => box.open(legacy, owner, 'webhookUrl')).toThrow('not in the v2: format');
    });

    it('is sealed again for its owner by the migration, which leaves a v2 value alone', () => {
      const resealed = box.resealLegacy(legacy, owner, 'webhookUrl')!;
      expect(resealed.startsWith('v2:')).toBe(true);
      expect(box.open(resealed, owner, 'webhookUrl')).toBe(url);
      expect(() => box.open(resealed, { ...owner, teamId: 'team_b' }, 'webhookUrl')).toThrow(UnsealError);
      expect(box.resealLegacy(resealed, owner, 'webhookUrl')).toBeUndefined();
    });

    it('is refused by the migration with a short tag or IV, another key, or a shape of its own', () => {
      expect(() => box.resealLegacy(legacySealed(key, url, { tagBytes: 12 }), owner, 'webhookUrl')).toThrow('a 12-byte IV and a 12-byte tag; 12 and 16 are required');
      expect(() => box.resealLegacy(legacySealed(key, url, { ivBytes: 16 }), owner, 'webhookUrl')).toThrow('a 16-byte IV');
      expect(() => box.resealLegacy(legacySealed(randomBytes(32), url), owner, 'webhookUrl')).toThrow(UnsealError);
      expect(() => box.resealLegacy('v1.a.b', owner, 'webhookUrl')).toThrow('no known format');
      expect(() => box.resealLegacy(url, owner, 'webhookUrl')).toThrow('no known format');
    });
  });
});

describe('parseSecretKey', () => {
  const key = randomBytes(32);
  const hex = key.toString('hex');
  const base64 = key.toString('base64');
  // Bytes whose base64 holds '+' and '/', so the two alphabets differ.
  const slashy = Buffer.alloc(32, 0xfb);

  it.each([
    ['hex', hex],
    ['upper-case hex', hex.toUpperCase()],
    ['standard base64 with its padding', base64],
    ['a line end around it', ` ${base64}\n`],
  ])('accepts %s', (_, text) => {
    expect(parseSecretKey(text)).toEqual(key);
  });

  it('accepts the keys tools/scripts/start.sh and the e2e fleet generate', () => {
    for (let i = 0; i < 50; i++) {
      const generated = randomBytes(32);
      expect(parseSecretKey(generated.toString('base64'))).toEqual(generated);
      expect(parseSecretKey(generated.toString('hex'))).toEqual(generated);
    }
    expect(parseSecretKey(slashy.toString('base64'))).toEqual(slashy);
  });

  it.each([
    ['empty', ''],
    ['short hex', hex.slice(0, 62)],
    ['long hex', `${hex}00`],
    ['odd hex', hex.slice(1)],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['48 bytes of base64', randomBytes(48).toString('base64')],
    ['base64 without its padding', base64.slice(0, -1)],
    ['base64url', slashy.toString('base64url')],
    ['mixed alphabets', `${slashy.toString('base64').slice(0, 20)}-_${slashy.toString('base64').slice(22)}`],
    ['non-canonical trailing bits', `${base64.slice(0, 42)}${base64[42] === 'B' ? 'C' : 'B'}=`],
    ['a space inside hex', `${hex.slice(0, 32)} ${hex.slice(32)}`],
    ['a line break inside base64', `${base64.slice(0, 20)}\n${base64.slice(20)}`],
    ['hex with a 0x prefix', `0x${hex}`],
  ])('refuses %s, naming the expected forms', (_, text) => {
    expect(() => parseSecretKey(text)).toThrow('must be 32 bytes: 64 hex characters, or 44 characters of standard base64 ending in =');
    expect(secretKeySchema.safeParse(text).success).toBe(false);
  });

  it('names the variable and the forms at boot', () => {
    const parsed = z.object({ ALERTLARK_SECRET_KEY: secretKeySchema }).safeParse({ ALERTLARK_SECRET_KEY: 'abcd' });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['ALERTLARK_SECRET_KEY'], message: expect.stringContaining('64 hex characters') });
  });
});

describe('tokens', () => {
  it('are prefixed by kind, random, and hash deterministically', () => {
    const token = generateToken('ingest');
    expect(token).toMatch(/^alk_ingest_[A-Za-z0-9_-]{32}$/);
    expect(generateToken('ingest')).not.toBe(token);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });
});
