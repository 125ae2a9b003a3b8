import { createHmac } from 'node:crypto';
import { larkSign, verifySignature } from './signature';

const SECRET = 'SEC-test-secret';
const TS = '1700000000';
const NOW_MS = 1_700_000_000_000;

/** Lark's scheme written out independently: key = "<ts>\n<secret>", message = empty. */
function handSign(timestamp: string, secret: string): string {
  const hmac = createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8'));
  hmac.update(Buffer.alloc(0));
  return hmac.digest('base64');
}

describe('larkSign', () => {
  it('matches a vector computed independently (openssl/python agree on it)', () => {
    expect(larkSign(TS, SECRET)).toBe('N/YfEei+5/EskDDCjSL3nvdh2x/Igb36CEA5Cc6MdHk=');
    expect(larkSign(TS, SECRET)).toBe(handSign(TS, SECRET));
  });
});

describe('verifySignature', () => {
  const body = (timestamp: unknown, sign: unknown) => ({ msg_type: 'text', content: { text: 'x' }, timestamp, sign });

  it('accepts a correct seconds timestamp and sign', () => {
    expect(verifySignature(body(TS, handSign(TS, SECRET)), SECRET, NOW_MS)).toBe(true);
  });

  it('rejects a missing sign or timestamp', () => {
    expect(verifySignature(body(TS, undefined), SECRET, NOW_MS)).toBe(false);
    expect(verifySignature(body(undefined, handSign(TS, SECRET)), SECRET, NOW_MS)).toBe(false);
  });

  it('rejects a sign made with another secret', () => {
    expect(verifySignature(body(TS, handSign(TS, 'other')), SECRET, NOW_MS)).toBe(false);
  });

  it('rejects the DingTalk mistake: secret as HMAC key over "<ts>\\n<secret>"', () => {
    const dingTalk = createHmac('sha256', SECRET).update(`${TS}\n${SECRET}`).digest('base64');
    expect(verifySignature(body(TS, dingTalk), SECRET, NOW_MS)).toBe(false);
  });

  it('rejects the DingTalk mistake: a milliseconds timestamp, even when signed consistently', () => {
    const ms = String(NOW_MS);
    expect(verifySignature(body(ms, handSign(ms, SECRET)), SECRET, NOW_MS)).toBe(false);
  });

  it('rejects a numeric (non-string) timestamp', () => {
    expect(verifySignature(body(Number(TS), handSign(TS, SECRET)), SECRET, NOW_MS)).toBe(false);
  });

  it('accepts up to one hour of skew either way and rejects beyond it', () => {
    const sign = handSign(TS, SECRET);
    expect(verifySignature(body(TS, sign), SECRET, NOW_MS + 3600_000)).toBe(true);
    expect(verifySignature(body(TS, sign), SECRET, NOW_MS - 3600_000)).toBe(true);
    expect(verifySignature(body(TS, sign), SECRET, NOW_MS + 3601_000)).toBe(false);
    expect(verifySignature(body(TS, sign), SECRET, NOW_MS - 3601_000)).toBe(false);
  });
});
