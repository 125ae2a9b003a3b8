import { createHmac } from 'node:crypto';
import { larkSignature, signedBody } from './sign';

describe('larkSignature', () => {
  it('matches a vector computed once with node (regression guard)', () => {
    expect(larkSignature('secret-of-test-bot', 1700000000)).toBe('b/PGfZUgPbhYuRcmf+9xKuFCKTih83+8xKzRn6W6Tqs=');
    expect(larkSignature('SEC0123456789abcdef', 1599360473)).toBe('o4rYuzS+vyYu0ScPJVg0TrKMaVksgOXu1MYbxvtUINE=');
  });

  it('is base64 HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message', () => {
    const expected = createHmac('sha256', '1712345678\nmy-secret').update(Buffer.alloc(0)).digest('base64');
    expect(larkSignature('my-secret', 1712345678)).toBe(expected);
  });

  it('differs from the DingTalk scheme (milliseconds, secret as key)', () => {
    const seconds = 1712345678;
    const dingTalkMs = createHmac('sha256', 'my-secret').update(`${seconds * 1000}\nmy-secret`).digest('base64');
    const dingTalkSeconds = createHmac('sha256', 'my-secret').update(`${seconds}\nmy-secret`).digest('base64');
    const larkMs = createHmac('sha256', `${seconds * 1000}\nmy-secret`).update('').digest('base64');
    const ours = larkSignature('my-secret', seconds);
    expect(ours).not.toBe(dingTalkMs);
    expect(ours).not.toBe(dingTalkSeconds);
    expect(ours).not.toBe(larkMs);
  });

  it('refuses non-integer timestamps (e.g. milliseconds divided without flooring)', () => {
    expect(() => larkSignature('s', 1712345678.5)).toThrow(RangeError);
    expect(() => larkSignature('s', -1)).toThrow(RangeError);
  });
});

describe('signedBody', () => {
  const body = { msg_type: 'text', content: { text: 'alert' } };

  it('leaves the body alone without a secret', () => {
    expect(signedBody(body, undefined, 1_712_345_678_999)).toBe(body);
    expect(signedBody(body, '', 1_712_345_678_999)).toBe(body);
  });

  it('adds timestamp in whole seconds as a string, and sign', () => {
    const signed = signedBody(body, 'my-secret', 1_712_345_678_999);
    expect(signed).toEqual({ ...body, timestamp: '1712345678', sign: larkSignature('my-secret', 1712345678) });
    expect(body).not.toHaveProperty('sign');
  });

  it('adds about 80 bytes, within the card budget overhead', () => {
    const signed = signedBody(body, 'my-secret', Date.UTC(2030, 0, 1));
    const extra = Buffer.byteLength(JSON.stringify(signed)) - Buffer.byteLength(JSON.stringify(body));
    expect(extra).toBeLessThanOrEqual(128);
    expect(extra).toBeGreaterThan(70);
  });
});
