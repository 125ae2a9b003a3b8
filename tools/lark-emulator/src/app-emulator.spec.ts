import { createDecipheriv, createHash } from 'node:crypto';
import http from 'node:http';
import { createLarkEmulator, type LarkEmulator } from './emulator';

const T0 = Date.UTC(2024, 5, 1, 9, 0, 0);
const ENCRYPT_KEY = 'app-encrypt-key';

type Json = Record<string, unknown>;
interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
}
interface Answer {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

/** The app's callback endpoint: records what arrives, answers what the test says. */
async function startAppServer() {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let answer: (r: Received) => Answer = () => ({ body: {} });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      received.push(got);
      const a = answer(got);
      const send = () => {
        if (res.destroyed) return;
        const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? {});
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        res.end(text);
      };
      if (!a.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, a.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/lark/callback`,
    received,
    answerWith(fn: (r: Received) => Answer) {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The app's side of the crypto, written from LARK.md without the emulator's code. */
function appDecrypt(raw: string): Json {
  const { encrypt } = JSON.parse(raw) as { encrypt: string };
  const data = Buffer.from(encrypt, 'base64');
  const key = createHash('sha256').update(ENCRYPT_KEY).digest();
  const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  return JSON.parse(decipher.update(data.subarray(16), undefined, 'utf8') + decipher.final('utf8')) as Json;
}
function appSignatureOk(r: Received): boolean {
  const ts = String(r.headers['x-lark-request-timestamp']);
  const nonce = String(r.headers['x-lark-request-nonce']);
  const expected = createHash('sha256').update(ts + nonce + ENCRYPT_KEY + r.raw).digest('hex');
  return r.headers['x-lark-signature'] === expected;
}

const sharedCard = (title: string, buttons: object[] = []) => ({
  schema: '2.0',
  config: { update_multi: true },
  header: { title: { tag: 'plain_text', content: title } },
  body: { elements: buttons },
});
const callbackButton = (text: string, value: object) => ({ tag: 'button', text: { tag: 'plain_text', content: text }, behaviors: [{ type: 'callback', value }] });

describe('Lark emulator: app bot over HTTP', () => {
  let now = T0;
  let emulator: LarkEmulator;
  let base: string;
  let appServer: Awaited<ReturnType<typeof startAppServer>>;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      // plain text answer
    }
    return { status: res.status, text, json };
  };
  const token = async (appId: string, secret: string) =>
    String((await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: appId, app_secret: secret })).json['tenant_access_token']);
  const sendCard = async (tok: string, card: object, chatId = 'oc_room1') => {
    const res = await call('POST', '/open-apis/im/v1/messages?receive_id_type=chat_id', { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) }, { authorization: `Bearer ${tok}` });
    return { ...res, messageId: String((res.json['data'] as Json | undefined)?.['message_id']) };
  };
  const messages = async (query = '') => (await call('GET', `/_emulator/app-messages${query}`)).json['messages'] as Json[];

  beforeAll(async () => {
    appServer = await startAppServer();
    emulator = createLarkEmulator({
      clock: () => now,
      apps: [{ appId: 'cli_plain', appSecret: 'sp', verificationToken: 'vt-plain', callbackUrl: appServer.url, tokenTtlSeconds: 600 }],
      callbackTimeoutMs: 300,
      verifyTimeoutMs: 150,
    });
    base = `http://127.0.0.1:${await emulator.listen(0)}`;
  });
  afterAll(async () => {
    await emulator.close();
    await appServer.close();
  });
  beforeEach(async () => {
    now = T0;
    appServer.received.length = 0;
    appServer.answerWith(() => ({ body: {} }));
    await call('DELETE', '/_emulator/app-messages');
    await call('POST', '/_emulator/apps', { appId: 'cli_sec', appSecret: 'ss', verificationToken: 'vt-sec', encryptKey: ENCRYPT_KEY, callbackUrl: appServer.url });
  });

  it('registers, lists and removes apps, with token counters', async () => {
    const created = await call('POST', '/_emulator/apps', { appId: 'cli_tmp', appSecret: 'x', verificationToken: 'v' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      app: { appId: 'cli_tmp', appSecret: 'x', verificationToken: 'v', tokenTtlSeconds: 7200, tokenRequests: 0, tokensIssued: 0, activeTokens: 0 },
      created: true,
    });
    expect((await call('POST', '/_emulator/apps', { appId: 'bad' })).status).toBe(400);
    const ids = ((await call('GET', '/_emulator/apps')).json['apps'] as Json[]).map((a) => a['appId']);
    expect(ids).toEqual(['cli_plain', 'cli_sec', 'cli_tmp']);
    expect((await call('DELETE', '/_emulator/apps/cli_tmp')).status).toBe(200);
    expect((await call('DELETE', '/_emulator/apps/cli_tmp')).status).toBe(404);
  });

  it('issues, caches and expires tenant tokens, counting the requests', async () => {
    const first = await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: 'cli_plain', app_secret: 'sp' });
    expect(first.json).toEqual({ code: 0, msg: 'ok', tenant_access_token: expect.stringMatching(/^t-[0-9a-f]{40}$/), expire: 600 });
    const tok = String(first.json['tenant_access_token']);
    expect((await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: 'cli_plain', app_secret: 'bad' })).json).toEqual({ code: 10014, data: {}, msg: 'app secret invalid' });
    const apps = (await call('GET', '/_emulator/apps')).json['apps'] as Json[];
    expect(apps.find((a) => a['appId'] === 'cli_plain')).toMatchObject({ tokenRequests: 2, tokensIssued: 1, activeTokens: 1 });

    expect((await sendCard(tok, sharedCard('x'))).json['code']).toBe(0);
    now += 600_000;
    expect((await sendCard(tok, sharedCard('x'))).json).toMatchObject({ code: 99991663 });
    const fresh = await token('cli_plain', 'sp');
    expect(fresh).not.toBe(tok);
    expect((await sendCard(fresh, sharedCard('x'))).json['code']).toBe(0);

    expect((await call('DELETE', '/_emulator/apps/cli_plain/tokens')).json).toEqual({ revoked: 1 });
    expect((await sendCard(fresh, sharedCard('x'))).status).toBe(400);
  });

  it('sends and edits cards, and shows the history and every refusal', async () => {
    const tok = await token('cli_plain', 'sp');
    const sent = await sendCard(tok, sharedCard('v1'), 'oc_ops');
    expect(sent.status).toBe(200);
    const edit = (content: string) => call('PATCH', `/open-apis/im/v1/messages/${sent.messageId}`, { content }, { authorization: `Bearer ${tok}` });
    now += 1000;
    expect((await edit(JSON.stringify(sharedCard('v2')))).json).toEqual({ code: 0, msg: 'ok', data: {} });
    expect((await edit('{broken')).json['code']).toBe(230099);

    const [message] = await messages('?chatId=oc_ops&appId=cli_plain');
    expect(message).toMatchObject({
      messageId: sent.messageId,
      appId: 'cli_plain',
      chatId: 'oc_ops',
      createdAt: new Date(T0).toISOString(),
      content: sharedCard('v2'),
      edits: [{ at: new Date(T0 + 1000).toISOString(), content: sharedCard('v2'), via: 'api' }],
    });
    expect(await messages('?chatId=oc_other')).toEqual([]);

    const refused = (await call('GET', '/_emulator/app-requests?accepted=false')).json['requests'] as Json[];
    expect(refused.map((r) => [r['api'], r['code']])).toEqual([['patch', 230099]]);
    const all = (await call('GET', '/_emulator/app-requests?appId=cli_plain')).json['requests'] as Json[];
    expect(all.map((r) => r['api'])).toEqual(['tenant_access_token', 'send', 'patch', 'patch']);
    expect((await call('GET', '/_emulator/app-requests?api=nope')).status).toBe(400);

    expect((await call('DELETE', '/_emulator/app-messages')).json).toEqual({ cleared: 1, requests: 4 });
    expect(await messages()).toEqual([]);
  });

  it('answers a wrong method on an API path with plain-text 404, like Lark', async () => {
    const res = await call('GET', '/open-apis/auth/v3/tenant_access_token/internal');
    expect(res).toMatchObject({ status: 404, text: '404 page not found' });
    expect((await call('DELETE', '/open-apis/im/v1/messages/om_1')).status).toBe(404);
  });

  it('delivers a plaintext click and applies the card the app answers with', async () => {
    const tok = await token('cli_plain', 'sp');
    const { messageId } = await sendCard(tok, sharedCard('Firing', [callbackButton('Claim', { action: 'claim', alert: 'a1' })]));
    const claimed = sharedCard('Claimed by Ann');
    appServer.answerWith(() => ({ body: { toast: { type: 'success', content: 'Claimed' }, card: { type: 'raw', data: claimed } } }));

    const click = await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_ann', user_id: 'ann' }, buttonText: 'Claim' });
    expect(click.status).toBe(200);
    expect(click.json).toMatchObject({ status: 200, applied: true, eventId: expect.any(String), ms: expect.any(Number), answer: { toast: { content: 'Claimed' } } });

    const [got] = appServer.received;
    expect(got?.headers['x-lark-signature']).toBeUndefined();
    expect(got?.headers['x-lark-request-timestamp']).toBe(String(T0 / 1000));
    expect(JSON.parse(got?.raw ?? '')).toEqual({
      schema: '2.0',
      header: {
        event_id: click.json['eventId'],
        token: 'vt-plain',
        create_time: String(T0 * 1000),
        event_type: 'card.action.trigger',
        tenant_key: expect.any(String),
        app_id: 'cli_plain',
      },
      event: {
        operator: { tenant_key: expect.any(String), open_id: 'ou_ann', user_id: 'ann' },
        token: expect.stringMatching(/^c-/),
        action: { value: { action: 'claim', alert: 'a1' }, tag: 'button' },
        host: 'im_message',
        context: { open_message_id: messageId, open_chat_id: 'oc_room1' },
      },
    });
    const [message] = await messages();
    expect(message).toMatchObject({ content: claimed, edits: [{ content: claimed, via: 'callback', eventId: click.json['eventId'] }] });
  });

  it('encrypts and signs for an app with an Encrypt Key, and supports replays and the test knobs', async () => {
    const tok = await token('cli_sec', 'ss');
    const { messageId } = await sendCard(tok, sharedCard('Firing', [callbackButton('Claim', { action: 'claim' })]));
    const click = await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_bob' } });
    const [first] = appServer.received;
    expect(Object.keys(JSON.parse(first?.raw ?? '{}'))).toEqual(['encrypt']);
    expect(appSignatureOk(first!)).toBe(true);
    const event = appDecrypt(first!.raw);
    expect(event).toMatchObject({ header: { token: 'vt-sec', app_id: 'cli_sec', event_id: click.json['eventId'] }, event: { action: { value: { action: 'claim' } } } });
    expect(click.json['event']).toEqual(event);
    expect(click.json['applied']).toBe(false);

    now += 5000;
    const replay = await call('POST', '/_emulator/click', { replayEventId: click.json['eventId'] });
    expect(replay.json['eventId']).toBe(click.json['eventId']);
    expect(appDecrypt(appServer.received[1]!.raw)).toEqual(event);
    expect(appServer.received[1]?.headers['x-lark-request-timestamp']).toBe(String((T0 + 5000) / 1000));

    await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_bob' }, timestampOffsetSeconds: -600 });
    expect(appServer.received[2]?.headers['x-lark-request-timestamp']).toBe(String((T0 + 5000) / 1000 - 600));
    expect(appSignatureOk(appServer.received[2]!)).toBe(true);

    await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_bob' }, tamperSignature: true });
    expect(appSignatureOk(appServer.received[3]!)).toBe(false);
    expect(appDecrypt(appServer.received[3]!.raw)['header']).toMatchObject({ token: 'vt-sec' });

    await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_bob' }, wrongToken: true });
    expect(appSignatureOk(appServer.received[4]!)).toBe(true);
    expect((appDecrypt(appServer.received[4]!.raw)['header'] as Json)['token']).not.toBe('vt-sec');

    expect((await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_bob' }, tamper: true })).status).toBe(400);
  });

  it('reports an app that answers late, with an error or without JSON, and applies nothing', async () => {
    const tok = await token('cli_plain', 'sp');
    const { messageId } = await sendCard(tok, sharedCard('Firing', [callbackButton('Claim', { action: 'claim' })]));
    const replaced = { card: { type: 'raw', data: sharedCard('x') } };

    appServer.answerWith(() => ({ body: replaced, delayMs: 600 }));
    const late = await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' } });
    expect(late.json).toMatchObject({ status: null, answer: null, applied: false, error: 'no answer within 300 ms' });
    expect(late.json['ms']).toBeGreaterThanOrEqual(250);

    appServer.answerWith(() => ({ status: 500, body: replaced }));
    expect((await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' } })).json).toMatchObject({ status: 500, applied: false });
    appServer.answerWith(() => ({ body: 'ok' }));
    expect((await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' } })).json).toMatchObject({ status: 200, answer: 'ok', applied: false });

    const [message] = await messages();
    expect(message?.['edits']).toEqual([]);
    expect((await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' }, buttonText: 'Nope' })).json).toEqual({
      error: 'no callback button "Nope" on the card',
      buttons: ['Claim'],
    });
  });

  it('finds v1 buttons by text and takes a value as given', async () => {
    const tok = await token('cli_plain', 'sp');
    const v1 = {
      config: { update_multi: true },
      elements: [{ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Mute 1h' }, value: { action: 'mute', hours: 1 } }] }],
    };
    const { messageId } = await sendCard(tok, v1);
    await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' }, buttonText: 'Mute 1h' });
    await call('POST', '/_emulator/click', { messageId, operator: { open_id: 'ou_1' }, value: { made: 'up' } });
    const values = appServer.received.map((r) => ((JSON.parse(r.raw) as Json)['event'] as Json)['action']);
    expect(values).toEqual([
      { value: { action: 'mute', hours: 1 }, tag: 'button' },
      { value: { made: 'up' }, tag: 'button' },
    ]);
  });

  it('verifies a callback URL the way Lark does, encrypted when the app has an Encrypt Key', async () => {
    appServer.answerWith((r) => {
      const body = r.headers['x-lark-signature'] ? appDecrypt(r.raw) : (JSON.parse(r.raw) as Json);
      return { body: { challenge: body['challenge'] } };
    });
    const plain = await call('POST', '/_emulator/apps/cli_plain/verify-url');
    expect(plain.json).toMatchObject({ ok: true, status: 200, answer: { challenge: plain.json['challenge'] } });
    expect(JSON.parse(appServer.received[0]!.raw)).toEqual({ challenge: plain.json['challenge'], type: 'url_verification', token: 'vt-plain' });

    const secret = await call('POST', '/_emulator/apps/cli_sec/verify-url');
    expect(secret.json['ok']).toBe(true);
    expect(appDecrypt(appServer.received[1]!.raw)).toEqual({ challenge: secret.json['challenge'], type: 'url_verification', token: 'vt-sec' });

    appServer.answerWith(() => ({ body: { challenge: 'something else' } }));
    expect((await call('POST', '/_emulator/apps/cli_plain/verify-url')).json['ok']).toBe(false);
    appServer.answerWith((r) => ({ body: { challenge: (JSON.parse(r.raw) as Json)['challenge'] }, delayMs: 400 }));
    expect((await call('POST', '/_emulator/apps/cli_plain/verify-url')).json).toMatchObject({ ok: false, error: 'no answer within 150 ms' });
    expect((await call('POST', '/_emulator/apps/cli_none/verify-url')).status).toBe(404);
  });

  it('close() does not wait for a callback still in flight', async () => {
    const other = createLarkEmulator({
      apps: [{ appId: 'cli_slow', appSecret: 's', verificationToken: 'v', callbackUrl: appServer.url }],
    });
    const port = await other.listen(0);
    appServer.answerWith(() => ({ body: {}, delayMs: 2_500 }));
    const pending = fetch(`http://127.0.0.1:${port}/_emulator/apps/cli_slow/verify-url`, { method: 'POST' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(500);
    await pending;
  });
});
