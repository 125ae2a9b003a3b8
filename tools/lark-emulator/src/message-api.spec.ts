import { createAppState } from './app-state';
import { EDIT_WINDOW_MS, handlePatchMessage, handleSendMessage, UUID_WINDOW_MS } from './message-api';

const T0 = Date.UTC(2024, 5, 1, 9, 0, 0);
const APP_A = { appId: 'cli_a', appSecret: 'sa', verificationToken: 'va', tokenTtlSeconds: 60 };
const APP_B = { appId: 'cli_b', appSecret: 'sb', verificationToken: 'vb' };

const card = (title: string, shared = true) => ({
  ...(shared ? { config: { update_multi: true } } : {}),
  header: { title: { tag: 'plain_text', content: title } },
  elements: [],
});

function setup() {
  let now = T0;
  const state = createAppState(() => now, [APP_A, APP_B]);
  const tokenA = state.tokens.issue('cli_a', 60, T0).token;
  const tokenB = state.tokens.issue('cli_b', 7200, T0).token;
  const raw = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const send = (body: unknown, opts: { auth?: string | undefined; query?: string } = {}) => {
    const buf = raw(body);
    return handleSendMessage(state, {
      authorization: 'auth' in opts ? opts.auth : `Bearer ${tokenA}`,
      query: new URLSearchParams(opts.query ?? 'receive_id_type=chat_id'),
      raw: buf,
      rawSize: buf.length,
    });
  };
  const patch = (messageId: string, body: unknown, ...auth: [string | undefined] | []) => {
    const buf = raw(body);
    const authorization = auth.length === 0 ? `Bearer ${tokenA}` : auth[0];
    return handlePatchMessage(state, { authorization, messageId, raw: buf, rawSize: buf.length });
  };
  const message = (content: object = card('v1')) => ({ receive_id: 'oc_room1', msg_type: 'interactive', content: JSON.stringify(content) });
  const sent = (content?: object) => {
    const reply = send(message(content));
    return String((reply.body['data'] as Record<string, unknown>)['message_id']);
  };
  return { state, send, patch, message, sent, tokenA, tokenB, advance: (ms: number) => { now += ms; } };
}

const codeOf = (reply: { body: Record<string, unknown> }) => reply.body['code'];

describe('handleSendMessage', () => {
  it('stores the card, records the sending app and answers like Lark', () => {
    const { state, send, message } = setup();
    const reply = send(message());
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      code: 0,
      msg: 'success',
      data: {
        message_id: expect.stringMatching(/^om_[0-9a-f]{32}$/),
        chat_id: 'oc_room1',
        msg_type: 'interactive',
        create_time: String(T0),
        sender: { id: 'cli_a', id_type: 'app_id', sender_type: 'app' },
      },
    });
    const [stored] = state.messages.list();
    expect(stored).toMatchObject({ appId: 'cli_a', chatId: 'oc_room1', content: card('v1'), edits: [], createdAt: new Date(T0).toISOString() });
    expect(state.requests.list()).toMatchObject([{ api: 'send', appId: 'cli_a', accepted: true, messageId: stored?.messageId }]);
  });

  it('refuses a missing or non-Bearer Authorization with 99991661 and an unknown token with 99991663 (HTTP 400)', () => {
    const { send, message, state } = setup();
    for (const auth of [undefined, 'x', 't-abc']) {
      expect(send(message(), { auth })).toMatchObject({
        status: 400,
        body: { code: 99991661, msg: 'Missing access token for authorization. Please make a request with token attached.' },
      });
    }
    const invalid = send(message(), { auth: 'Bearer t-made-up' });
    expect(invalid).toMatchObject({ status: 400, body: { code: 99991663, error: { log_id: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/) } } });
    expect(state.requests.list({ accepted: false }).map((r) => r.appId)).toEqual([null, null, null, null]);
    expect(state.messages.list()).toEqual([]);
  });

  it('refuses a token past its lifetime with 99991663, and one whose app was removed', () => {
    const { send, message, advance, state, tokenB } = setup();
    advance(59_999);
    expect(codeOf(send(message()))).toBe(0);
    advance(1);
    expect(codeOf(send(message()))).toBe(99991663);
    state.apps.remove('cli_b');
    expect(codeOf(send(message(), { auth: `Bearer ${tokenB}` }))).toBe(99991663);
  });

  it('needs receive_id_type=chat_id', () => {
    const { send, message } = setup();
    expect(send(message(), { query: '' }).body).toMatchObject({
      code: 99992402,
      msg: 'field validation failed',
      error: { field_violations: [{ field: 'receive_id_type', description: 'receive_id_type is required' }] },
    });
    expect(send(message(), { query: 'receive_id_type=open_id' }).body).toMatchObject({
      code: 230001,
      msg: 'Your request contains an invalid request parameter, ext=invalid receive_id_type',
    });
  });

  it('answers 9499 for a body that is not a JSON object and 99992402 for missing fields', () => {
    const { send, message } = setup();
    expect(send('{').body).toMatchObject({ code: 9499, msg: 'Bad Request' });
    expect(send('[1]').body).toMatchObject({ code: 9499 });
    expect(send({ ...message(), receive_id: undefined }).body).toMatchObject({ code: 99992402, error: { field_violations: [{ field: 'receive_id' }] } });
    expect(send({ ...message(), msg_type: '' }).body).toMatchObject({ code: 99992402, error: { field_violations: [{ field: 'msg_type' }] } });
    expect(send({ ...message(), content: { not: 'a string' } }).body).toMatchObject({ code: 99992402, error: { field_violations: [{ field: 'content' }] } });
  });

  it('takes any oc_ chat id, and only cards', () => {
    const { send, message } = setup();
    expect(codeOf(send({ ...message(), receive_id: 'oc_anything_NEW-1' }))).toBe(0);
    expect(send({ ...message(), receive_id: 'ou_user' }).body['msg']).toBe('Your request contains an invalid request parameter, ext=invalid receive_id');
    expect(send({ ...message(), msg_type: 'text' }).body['msg']).toBe('Your request contains an invalid request parameter, ext=invalid msg_type');
    expect(send({ ...message(), content: '' }).body['msg']).toBe('Your request contains an invalid request parameter, ext=content cannot be empty');
  });

  it('refuses content over 30 KB with 230025 and accepts exactly 30 KB', () => {
    const { send, message } = setup();
    const sized = (bytes: number) => {
      const base = JSON.stringify({ ...card('x'), pad: '' });
      return JSON.stringify({ ...card('x'), pad: 'z'.repeat(bytes - Buffer.byteLength(base)) });
    };
    expect(Buffer.byteLength(sized(30 * 1024))).toBe(30 * 1024);
    expect(codeOf(send({ ...message(), content: sized(30 * 1024) }))).toBe(0);
    expect(send({ ...message(), content: sized(30 * 1024 + 1) })).toMatchObject({
      status: 400,
      body: { code: 230025, msg: 'The length of the message content reaches its limit.' },
    });
    // Counted in UTF-8 bytes, not characters.
    const wide = JSON.stringify({ ...card('x'), pad: 'é'.repeat(15_400) });
    expect(codeOf(send({ ...message(), content: wide }))).toBe(230025);
  });

  it('refuses content that is not a JSON object with 230099 (sub-code 200621)', () => {
    const { send, message } = setup();
    for (const content of ['{not json', '"a string"', '[1,2]']) {
      const reply = send({ ...message(), content });
      expect(reply.body['code']).toBe(230099);
      expect(String(reply.body['msg'])).toMatch(/^Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err/);
    }
  });

  it('sends one message per uuid within an hour, as Lark de-duplicates', () => {
    const { state, send, message, advance } = setup();
    const first = send({ ...message(), uuid: 'u-1' });
    const again = send({ ...message(card('other')), uuid: 'u-1' });
    expect(again.body['data']).toEqual(first.body['data']);
    expect(state.messages.list()).toHaveLength(1);
    advance(UUID_WINDOW_MS + 1);
    const auth = `Bearer ${state.tokens.issue('cli_a', 60, T0 + UUID_WINDOW_MS + 1).token}`;
    const later = send({ ...message(), uuid: 'u-1' }, { auth });
    expect(codeOf(later)).toBe(0);
    expect(later.body['data']).not.toEqual(first.body['data']);
    expect(codeOf(send({ ...message(), uuid: 'x'.repeat(51) }, { auth }))).toBe(99992402);
  });
});

describe('handlePatchMessage', () => {
  it('replaces the card and appends the edit', () => {
    const { state, sent, patch, advance } = setup();
    const id = sent();
    advance(1000);
    expect(patch(id, { content: JSON.stringify(card('v2')) })).toEqual({ status: 200, body: { code: 0, msg: 'ok', data: {} } });
    expect(state.messages.get(id)).toMatchObject({
      content: card('v2'),
      edits: [{ at: new Date(T0 + 1000).toISOString(), content: card('v2'), via: 'api' }],
    });
    expect(state.requests.list({ api: 'patch' })).toMatchObject([{ appId: 'cli_a', messageId: id, accepted: true }]);
  });

  it('checks the token first', () => {
    const { sent, patch } = setup();
    const id = sent();
    expect(codeOf(patch(id, { content: JSON.stringify(card('v2')) }, undefined))).toBe(99991661);
    expect(codeOf(patch(id, { content: JSON.stringify(card('v2')) }, 'Bearer t-nope'))).toBe(99991663);
  });

  it('refuses an unknown message and another app\'s message with 230001', () => {
    const { sent, patch, tokenB } = setup();
    const id = sent();
    expect(patch('om_missing', { content: JSON.stringify(card('v2')) }).body['msg']).toBe(
      'Your request contains an invalid request parameter, ext=invalid message_id',
    );
    expect(patch(id, { content: JSON.stringify(card('v2')) }, `Bearer ${tokenB}`).body).toMatchObject({
      code: 230001,
      msg: 'Your request contains an invalid request parameter, ext=bot or user is not the message`s sender',
    });
  });

  it('needs config.update_multi: true on the card as sent and on the new card', () => {
    const { state, sent, patch } = setup();
    const plain = sent(card('v1', false));
    expect(patch(plain, { content: JSON.stringify(card('v2')) }).body).toMatchObject({ code: 230001, msg: expect.stringMatching(/card as sent is not a shared card/) });
    const shared = sent();
    expect(patch(shared, { content: JSON.stringify(card('v2', false)) }).body).toMatchObject({ code: 230001, msg: expect.stringMatching(/new card is not a shared card/) });
    const stringFlag = { ...card('v2'), config: { update_multi: 'true' } };
    expect(codeOf(patch(shared, { content: JSON.stringify(stringFlag) }))).toBe(230001);
    expect(state.messages.get(shared)?.edits).toEqual([]);
  });

  it('allows 5 updates a second per message (230020 beyond), per message', () => {
    const { sent, patch, advance } = setup();
    const id = sent();
    const other = sent();
    const body = { content: JSON.stringify(card('v2')) };
    for (let i = 0; i < 5; i++) expect(codeOf(patch(id, body))).toBe(0);
    expect(patch(id, body)).toMatchObject({ status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit.' } });
    expect(codeOf(patch(other, body))).toBe(0);
    advance(1000);
    expect(codeOf(patch(id, body))).toBe(0);
  });

  it('allows edits up to 14 days after sending (230031 after)', () => {
    const { state, sent, patch, advance } = setup();
    const id = sent();
    const body = { content: JSON.stringify(card('v2')) };
    advance(EDIT_WINDOW_MS);
    // The setup's tokens are long dead by now; the app fetches a fresh one.
    const fresh = `Bearer ${state.tokens.issue('cli_a', 60, T0 + EDIT_WINDOW_MS).token}`;
    expect(codeOf(patch(id, body, fresh))).toBe(0);
    advance(1);
    expect(patch(id, body, fresh)).toMatchObject({
      status: 400,
      body: { code: 230031, msg: 'Message can only be modified within 14 days after sending.' },
    });
  });

  it('checks the content like a send: 9499, 99992402, 230025, 230099', () => {
    const { sent, patch } = setup();
    const id = sent();
    expect(codeOf(patch(id, '{'))).toBe(9499);
    expect(codeOf(patch(id, {}))).toBe(99992402);
    expect(codeOf(patch(id, { content: JSON.stringify({ ...card('x'), pad: 'z'.repeat(31 * 1024) }) }))).toBe(230025);
    expect(codeOf(patch(id, { content: 'nope' }))).toBe(230099);
  });
});
