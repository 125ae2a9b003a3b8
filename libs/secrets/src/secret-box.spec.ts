import { randomBytes } from 'node:crypto';
import { SecretBox, parseSecretKey } from './secret-box';
import { generateToken, hashToken } from './tokens';

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(key);
    const sealed = box.encrypt('https://open.feishu.cn/open-apis/bot/v2/hook/abc123');
    expect(sealed).not.toContain('abc123');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.decrypt(sealed)).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/abc123');
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(key);
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('rejects a tampered ciphertext and a wrong key', () => {
    const box = new SecretBox(key);
    const sealed = box.encrypt('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.decrypt(tampered)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('parses hex and base64 keys and rejects short ones', () => {
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(() => parseSecretKey('abcd')).toThrow('32 bytes');
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
