import { createHash } from 'node:crypto';
import { cardActionAnswer, decryptLarkPayload, encryptLarkPayload, larkCallbackSignature, readLarkCallback } from './callback';

const ENCRYPT_KEY = 'test-encrypt-key';
const TOKEN = 'verification-token-1';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const NOW_SECONDS = String(NOW / 1000);

/** The docs' card.action.trigger example (schema 2.0), with the masked ids filled in. */
const cardAction = {
  schema: '2.0',
  header: {
    event_id: 'f7984f25108f8137722bb63cee927e66',
    token: TOKEN,
    create_time: '1603977298000000',
    event_type: 'card.action.trigger',
    tenant_key: '2df73991750abcde',
    app_id: 'cli_a5fb0ae6a4123456',
  },
  event: {
    operator: {
      tenant_key: '2df73991750abcde',
      user_id: '867abcde',
      open_id: 'ou_3c14f3a59eaf2825dbe25359f15abcde',
      union_id: 'on_cad4860e7af114fb4ff6c5d496dabcde',
    },
    token: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d123456',
    action: {
      value: { op: 'claim', groupId: 'g-1' },
      tag: 'button',
      timezone: 'Asia/Shanghai',
      form_value: { 'field name2': 'value2' },
      name: 'Button_lvkepfu3',
    },
    host: 'im_message',
    context: { open_message_id: 'om_574d639e4a44e4dd646eaf628e2abcde', open_chat_id: 'oc_e4d2605ca917e695f54f11aaf56abcde' },
  },
};
const expectedCardAction = {
  kind: 'card_action',
  eventId: 'f7984f25108f8137722bb63cee927e66',
  appId: 'cli_a5fb0ae6a4123456',
  createTime: 1603977298000,
  operator: { openId: 'ou_3c14f3a59eaf2825dbe25359f15abcde', userId: '867abcde', unionId: 'on_cad4860e7af114fb4ff6c5d496dabcde' },
  value: { op: 'claim', groupId: 'g-1' },
  messageId: 'om_574d639e4a44e4dd646eaf628e2abcde',
  chatId: 'oc_e4d2605ca917e695f54f11aaf56abcde',
  callbackToken: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d123456',
};
const challenge = { challenge: 'ajls384kdjx98XX', token: TOKEN, type: 'url_verification' };

/** What Lark sends with an encrypt key: the encrypted body and the three signature headers. */
function signedRequest(plain: object, options: { timestamp?: string; nonce?: string; key?: string } = {}) {
  const rawBody = JSON.stringify({ encrypt: encryptLarkPayload(ENCRYPT_KEY, JSON.stringify(plain)) });
  const timestamp = options.timestamp ?? NOW_SECONDS;
  const nonce = options.nonce ?? 'nonce-1';
  const signature = createHash('sha256')
    .update(timestamp + nonce + (options.key ?? ENCRYPT_KEY) + rawBody)
    .digest('hex');
  return {
    headers: { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature } as Record<string, string | string[] | undefined>,
    rawBody,
  };
}

function read(request: { headers: Record<string, string | string[] | undefined>; rawBody: string }, options: { encryptKey?: string; now?: number; maxAgeMs?: number } = {}) {
  return readLarkCallback({ ...request, encryptKey: 'encryptKey' in options ? options.encryptKey : ENCRYPT_KEY, verificationToken: TOKEN, now: options.now ?? NOW, maxAgeMs: options.maxAgeMs });
}

describe('larkCallbackSignature', () => {
  it('matches a vector computed with sha256sum (printf … | sha256sum)', () => {
    expect(larkCallbackSignature('1700000000', 'abc-nonce', 'test-encrypt-key', '{"encrypt":"xyz"}')).toBe(
      'b6b9b8a0272dabf9efdfc8fed2162f37cecf6fc8dc121657d67fca2df86d4d05',
    );
  });

  it('hashes the UTF-8 bytes of the concatenation', () => {
    const body = '{"text":"告警"}';
    expect(larkCallbackSignature('1', 'n', 'k', body)).toBe(createHash('sha256').update(Buffer.from(`1nk${body}`, 'utf8')).digest('hex'));
  });
});

describe('decryptLarkPayload / encryptLarkPayload', () => {
  // Lark's decryption guide: decrypt("test key", "P37w…ghk=") is "hello world".
  const DOCS_VECTOR = 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=';

  it('decrypts the example of Lark’s documentation', () => {
    expect(decryptLarkPayload('test key', DOCS_VECTOR)).toBe('hello world');
  });

  it('encrypts to the same bytes with the same IV', () => {
    const iv = Buffer.from(DOCS_VECTOR, 'base64').subarray(0, 16);
    expect(encryptLarkPayload('test key', 'hello world', iv)).toBe(DOCS_VECTOR);
  });

  it('round-trips with a fresh random IV each time', () => {
    const plain = JSON.stringify(cardAction);
    const first = encryptLarkPayload(ENCRYPT_KEY, plain);
    expect(first).not.toBe(encryptLarkPayload(ENCRYPT_KEY, plain));
    expect(decryptLarkPayload(ENCRYPT_KEY, first)).toBe(plain);
  });

  it('refuses a 15-byte IV', () => {
    expect(() => encryptLarkPayload(ENCRYPT_KEY, 'x', Buffer.alloc(15))).toThrow('16 bytes');
  });

  it.each([
    ['not base64', 'not base64!', 'not base64'],
    ['unpadded base64', DOCS_VECTOR.slice(0, -1), 'not base64'],
    ['an IV only', Buffer.alloc(16).toString('base64'), 'expected a 16-byte IV'],
    ['a partial block', Buffer.alloc(40).toString('base64'), 'expected a 16-byte IV'],
  ])('throws a clear error on %s', (_, value, message) => {
    expect(() => decryptLarkPayload('test key', value)).toThrow(message);
  });

  it('throws a clear error for the wrong key', () => {
    expect(() => decryptLarkPayload('another key', DOCS_VECTOR)).toThrow(/encrypt key/);
  });
});

describe('readLarkCallback with an encrypt key', () => {
  it('reads the documented card.action.trigger example', () => {
    expect(read(signedRequest(cardAction))).toEqual({ ok: true, callback: expectedCardAction });
  });

  it('reads a create_time in milliseconds as such (what Lark’s own CLI tests carry)', () => {
    const result = read(signedRequest({ ...cardAction, header: { ...cardAction.header, create_time: '1776409469273' } }));
    expect(result.ok && result.callback.kind === 'card_action' && result.callback.createTime).toBe(1776409469273);
  });

  it('leaves out what Lark leaves empty or absent, and takes a missing value as {}', () => {
    const bare = {
      ...cardAction,
      event: { operator: { open_id: 'ou_1', user_id: '' }, action: { tag: 'button' }, context: { open_message_id: '', open_chat_id: 'oc_1' } },
    };
    const result = read(signedRequest(bare));
    expect(result).toEqual({
      ok: true,
      callback: { ...expectedCardAction, operator: { openId: 'ou_1' }, value: {}, messageId: undefined, chatId: 'oc_1', callbackToken: undefined },
    });
  });

  it('finds the signature headers whatever their case', () => {
    const { headers, rawBody } = signedRequest(cardAction);
    const asSent = {
      'X-Lark-Request-Timestamp': headers['x-lark-request-timestamp'],
      'X-Lark-Request-Nonce': headers['x-lark-request-nonce'],
      'X-Lark-Signature': headers['x-lark-signature'],
    };
    expect(read({ headers: asSent, rawBody }).ok).toBe(true);
  });

  it('accepts a timestamp up to maxAgeMs away in either direction, and refuses beyond', () => {
    const request = signedRequest(cardAction);
    expect(read(request, { now: NOW + 5 * 60_000 }).ok).toBe(true);
    expect(read(request, { now: NOW - 5 * 60_000 }).ok).toBe(true);
    expect(read(request, { now: NOW + 5 * 60_000 + 1 })).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('outside ±300 s') });
    expect(read(request, { now: NOW - 5 * 60_000 - 1 })).toMatchObject({ ok: false, status: 401 });
    expect(read(request, { now: NOW + 60_000, maxAgeMs: 30_000 })).toMatchObject({ ok: false, status: 401 });
  });

  it('reads a timestamp in Go’s time.String() form, as one bridge reports card callbacks carry', () => {
    const request = signedRequest(cardAction, { timestamp: '2030-01-01 20:00:00.052290112 +0800 CST m=+3612.1' });
    expect(read(request).ok).toBe(true);
    expect(read(request, { now: NOW + 6 * 60_000 })).toMatchObject({ ok: false, status: 401 });
  });

  it('answers the URL check, signed or not (Lark documents no signature for it)', () => {
    expect(read(signedRequest(challenge))).toEqual({ ok: true, callback: { kind: 'url_verification', challenge: 'ajls384kdjx98XX' } });
    expect(read({ headers: {}, rawBody: signedRequest(challenge).rawBody })).toEqual({ ok: true, callback: { kind: 'url_verification', challenge: 'ajls384kdjx98XX' } });
  });

  describe('refuses', () => {
    const valid = signedRequest(cardAction);
    const withHeader = (name: string, value: string | string[] | undefined) => ({ ...valid, headers: { ...valid.headers, [name]: value } });

    it.each([
      ['no signature headers', { ...valid, headers: {} }, 'missing signature headers'],
      ['a missing nonce', withHeader('x-lark-request-nonce', undefined), 'missing or repeated'],
      ['a repeated signature header', withHeader('x-lark-signature', [valid.headers['x-lark-signature'] as string, 'abc']), 'missing or repeated'],
      ['a wrong signature', withHeader('x-lark-signature', '0'.repeat(64)), 'does not match'],
      ['a signature over another nonce', withHeader('x-lark-request-nonce', 'nonce-2'), 'does not match'],
      ['a signature made with the verification token (the old scheme)', signedRequest(cardAction, { key: TOKEN }), 'does not match'],
      ['a changed body', { ...valid, rawBody: valid.rawBody.replace('"encrypt"', '"encrypt" ') }, 'does not match'],
      ['an unreadable timestamp', signedRequest(cardAction, { timestamp: 'yesterday' }), 'not a time'],
      ['a stale timestamp', signedRequest(cardAction, { timestamp: String(NOW / 1000 - 3600) }), '3600 s old, outside'],
      ['a timestamp from the future', signedRequest(cardAction, { timestamp: String(NOW / 1000 + 3600) }), '3600 s ahead, outside'],
      ['a badly signed URL check', { ...signedRequest(challenge), headers: { ...signedRequest(challenge).headers, 'x-lark-signature': 'f'.repeat(64) } }, 'does not match'],
    ])('%s with 401', (_, request, reason) => {
      expect(read(request)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining(reason) });
    });

    it('a wrong verification token with 403, in an event or in the URL check', () => {
      const wrongToken = { ...cardAction, header: { ...cardAction.header, token: 'another-app' } };
      expect(read(signedRequest(wrongToken))).toEqual({ ok: false, status: 403, reason: 'the verification token does not match' });
      expect(read(signedRequest({ ...challenge, token: 'another-app' }))).toMatchObject({ ok: false, status: 403 });
      expect(read({ headers: {}, rawBody: signedRequest({ ...challenge, token: '' }).rawBody })).toMatchObject({ ok: false, status: 403 });
    });

    const signedRaw = (rawBody: string) => {
      const timestamp = NOW_SECONDS;
      return { headers: { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': 'n', 'x-lark-signature': larkCallbackSignature(timestamp, 'n', ENCRYPT_KEY, rawBody) }, rawBody };
    };
    const signedPlain = (plain: string) => signedRaw(JSON.stringify({ encrypt: encryptLarkPayload(ENCRYPT_KEY, plain) }));

    it.each([
      ['a body that is not JSON', signedRaw('{"encrypt":'), 'not JSON'],
      ['a plaintext body', signedRaw(JSON.stringify(cardAction)), 'expected an encrypted body'],
      ['an encrypt value that is not base64', signedRaw('{"encrypt":"%%%"}'), 'not base64'],
      ['a body encrypted with another key', signedRaw(JSON.stringify({ encrypt: encryptLarkPayload('other', JSON.stringify(cardAction)) })), 'encrypt key'],
      ['a decrypted body that is not JSON', signedPlain('hello'), 'decrypted body is not JSON'],
      ['an old-style flat card callback', signedPlain(JSON.stringify({ open_id: 'ou_1', open_message_id: 'om_1', token: TOKEN, action: { value: {} } })), 'not a schema 2.0 callback'],
      ['an unknown event type', signedRequest({ ...cardAction, header: { ...cardAction.header, event_type: 'im.message.receive_v1' } }), 'unsupported event type "im.message.receive_v1"'],
      ['a card action without an operator', signedRequest({ ...cardAction, event: { ...cardAction.event, operator: {} } }), 'operator.open_id'],
      ['a string action value', signedRequest({ ...cardAction, event: { ...cardAction.event, action: { value: 'claim', tag: 'button' } } }), 'action.value'],
      ['a create_time that is not a number', signedRequest({ ...cardAction, header: { ...cardAction.header, create_time: 'soon' } }), 'header.create_time'],
    ])('%s with 400', (_, request, reason) => {
      expect(read(request)).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining(reason) });
    });
  });
});

describe('readLarkCallback without an encrypt key', () => {
  const plain = (body: object) => ({ headers: {}, rawBody: JSON.stringify(body) });

  it('reads plaintext bodies, authenticated by the verification token alone', () => {
    expect(read(plain(cardAction), { encryptKey: undefined })).toEqual({ ok: true, callback: expectedCardAction });
    expect(read(plain(challenge), { encryptKey: '' })).toEqual({ ok: true, callback: { kind: 'url_verification', challenge: 'ajls384kdjx98XX' } });
  });

  it('refuses a wrong token with 403 and an encrypted body with 400', () => {
    expect(read(plain({ ...cardAction, header: { ...cardAction.header, token: 'x' } }), { encryptKey: undefined })).toMatchObject({ ok: false, status: 403 });
    expect(read(signedRequest(cardAction), { encryptKey: undefined })).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining('no encrypt key is configured') });
  });
});

describe('cardActionAnswer', () => {
  it('is the toast alone, or the toast and a raw replacement card', () => {
    const card = { schema: '2.0', config: { update_multi: true }, body: { elements: [] } };
    expect(cardActionAnswer({ type: 'success', content: 'Claimed' })).toEqual({ toast: { type: 'success', content: 'Claimed' } });
    expect(cardActionAnswer({ type: 'info', content: 'Resolved' }, card)).toEqual({ toast: { type: 'info', content: 'Resolved' }, card: { type: 'raw', data: card } });
  });
});
