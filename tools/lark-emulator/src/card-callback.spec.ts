import { createDecipheriv, createHash } from 'node:crypto';
import type { AppMessage } from './app-messages';
import { buildCardActionEvent, buildUrlVerification, callbackDelivery, readCallbackAnswer } from './card-callback';

const APP = { appId: 'cli_app1', appSecret: 's', verificationToken: 'vt-123', callbackUrl: 'http://127.0.0.1:1/cb' };
const MESSAGE: AppMessage = {
  messageId: 'om_1',
  appId: 'cli_app1',
  chatId: 'oc_room',
  msgType: 'interactive',
  createdAt: '',
  createdAtMs: 0,
  content: {},
  edits: [],
};
const NOW = 1_700_000_000_123;

/** The app's side, from LARK.md only. */
function decrypt(encrypted: string, key: string): string {
  const data = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), data.subarray(0, 16));
  return decipher.update(data.subarray(16), undefined, 'utf8') + decipher.final('utf8');
}

describe('buildCardActionEvent', () => {
  it('builds the schema 2.0 card.action.trigger callback of LARK.md', () => {
    const event = buildCardActionEvent({
      app: APP,
      message: MESSAGE,
      operator: { open_id: 'ou_1', user_id: 'u1' },
      value: { action: 'claim' },
      eventId: 'ev-1',
      updateToken: 'c-tok',
      nowMs: NOW,
    });
    expect(event).toEqual({
      schema: '2.0',
      header: {
        event_id: 'ev-1',
        token: 'vt-123',
        create_time: String(NOW * 1000),
        event_type: 'card.action.trigger',
        tenant_key: expect.stringMatching(/^[0-9a-f]{16}$/),
        app_id: 'cli_app1',
      },
      event: {
        operator: { tenant_key: expect.any(String), open_id: 'ou_1', user_id: 'u1' },
        token: 'c-tok',
        action: { value: { action: 'claim' }, tag: 'button' },
        host: 'im_message',
        context: { open_message_id: 'om_1', open_chat_id: 'oc_room' },
      },
    });
  });

  it('puts a different header.token when asked for a wrong token', () => {
    const event = buildCardActionEvent({
      app: APP, message: MESSAGE, operator: { open_id: 'ou_1' }, value: {}, eventId: 'e', updateToken: 'c', nowMs: NOW, wrongToken: true,
    });
    expect((event['header'] as Record<string, unknown>)['token']).not.toBe('vt-123');
  });
});

describe('callbackDelivery', () => {
  const plaintext = JSON.stringify(buildUrlVerification(APP, 'ch-1'));

  it('sends plaintext unsigned for an app without an Encrypt Key', () => {
    const out = callbackDelivery(APP, plaintext, { timestampSeconds: 1700000000, nonce: 'n1' });
    expect(JSON.parse(out.body)).toEqual({ challenge: 'ch-1', type: 'url_verification', token: 'vt-123' });
    expect(out.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': '1700000000',
      'x-lark-request-nonce': 'n1',
    });
  });

  it('encrypts and signs for an app with an Encrypt Key, over the exact body bytes', () => {
    const app = { ...APP, encryptKey: 'ek-9' };
    const out = callbackDelivery(app, plaintext, { timestampSeconds: 1700000000, nonce: 'n1' });
    const { encrypt } = JSON.parse(out.body) as { encrypt: string };
    expect(Object.keys(JSON.parse(out.body))).toEqual(['encrypt']);
    expect(decrypt(encrypt, 'ek-9')).toBe(plaintext);
    const expected = createHash('sha256').update(`1700000000n1ek-9${out.body}`).digest('hex');
    expect(out.headers['x-lark-signature']).toBe(expected);
  });

  it('tampers the signature on request, keeping its shape', () => {
    const app = { ...APP, encryptKey: 'ek-9' };
    const iv = Buffer.alloc(16, 7);
    const good = callbackDelivery(app, plaintext, { timestampSeconds: 1, nonce: 'n', iv });
    const bad = callbackDelivery(app, plaintext, { timestampSeconds: 1, nonce: 'n', iv, tamperSignature: true });
    expect(bad.body).toBe(good.body);
    expect(bad.headers['x-lark-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(bad.headers['x-lark-signature']).not.toBe(good.headers['x-lark-signature']);
  });
});

describe('readCallbackAnswer', () => {
  const card = { config: { update_multi: true }, elements: [] };

  it('takes the card of a raw card answer given with HTTP 200', () => {
    const answer = { toast: { type: 'success', content: 'Claimed' }, card: { type: 'raw', data: card } };
    expect(readCallbackAnswer(200, JSON.stringify(answer))).toEqual({ answer, card });
  });

  it('applies nothing for other answers', () => {
    expect(readCallbackAnswer(200, '{"toast":{"type":"info","content":"x"}}')).toEqual({ answer: { toast: { type: 'info', content: 'x' } } });
    expect(readCallbackAnswer(500, JSON.stringify({ card: { type: 'raw', data: card } })).card).toBeUndefined();
    expect(readCallbackAnswer(200, JSON.stringify({ card: { type: 'template', data: { template_id: 'x' } } })).card).toBeUndefined();
    expect(readCallbackAnswer(200, JSON.stringify({ card: { type: 'raw', data: 'x' } })).card).toBeUndefined();
    expect(readCallbackAnswer(200, 'not json')).toEqual({ answer: 'not json' });
    expect(readCallbackAnswer(200, '')).toEqual({ answer: null });
  });
});
