import { MockAgent } from 'undici';
import { LarkAppTokens, patchAppCard, sendAppCard, type LarkApp } from './lark-app.client';


const app: LarkApp = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a1', appSecret: 's1' };
const card = { config: { wide_screen_mode: true, update_multi: true }, header: { title: { tag: 'plain_text', content: 'HighCPU' }, template: 'red' }, elements: [] };

function lark() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('https://open.feishu.cn');
  const options = { timeoutMs: 1_000, dispatcher: agent };
  return { agent, pool, options };
}

describe('Lark app client', () => {
  it('asks for a tenant token once and reuses it until shortly before it expires', async () => {
    const { pool, options } = lark();
    let now = 0;
    const tokens = new LarkAppTokens(options, () => now);
    let asked = 0;
    pool
      .intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST', body: (body) => JSON.parse(body).app_secret === 's1' })
      .reply(() => ({ statusCode: 200, data: { code: 0, msg: 'ok', tenant_access_token: `t-${++asked}`, expire: 7200 } }))
      .times(2);
    expect(await tokens.token(app)).toEqual({ token: 't-1' });
    now = 7200_000 - 5 * 60_000 - 1;
    expect(await tokens.token(app)).toEqual({ token: 't-1' });
    now += 2;
    expect(await tokens.token(app)).toEqual({ token: 't-2' });
    expect(asked).toBe(2);
  });

  it('a wrong secret is a permanent failure naming Lark\'s code', async () => {
    const { pool, options } = lark();
    pool.intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST' }).reply(200, { code: 10014, msg: 'app secret invalid', data: {} });
    const result = await sendAppCard(app, new LarkAppTokens(options), 'oc_1', card, 'n1', options);
    expect(result).toMatchObject({ ok: false, permanent: true, code: 10014 });
  });

  it('posts the card to the chat with the bearer token and the uuid, and returns the message id', async () => {
    const { pool, options } = lark();
    pool.intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST' }).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    let sent: Record<string, unknown> = {};
    pool
      .intercept({ path: '/open-apis/im/v1/messages?receive_id_type=chat_id', method: 'POST', headers: { authorization: 'Bearer t-1' } })
      .reply(200, (request) => {
        sent = JSON.parse(String(request.body));
        return { code: 0, msg: 'success', data: { message_id: 'om_1' } };
      });
    const result = await sendAppCard(app, new LarkAppTokens(options), 'oc_1', card, 'n'.repeat(60), options);
    expect(result).toMatchObject({ ok: true, messageId: 'om_1' });
    expect(sent).toEqual({ receive_id: 'oc_1', msg_type: 'interactive', content: JSON.stringify(card), uuid: 'n'.repeat(50) });
  });

  it('gets a new token once when Lark says the cached one is invalid, then edits the card', async () => {
    const { pool, options } = lark();
    let issued = 0;
    pool
      .intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST' })
      .reply(() => ({ statusCode: 200, data: { code: 0, tenant_access_token: `t-${++issued}`, expire: 7200 } }))
      .times(2);
    pool.intercept({ path: '/open-apis/im/v1/messages/om_1', method: 'PATCH', headers: { authorization: 'Bearer t-1' } }).reply(400, { code: 99991663, msg: 'Invalid access token for authorization.' });
    pool.intercept({ path: '/open-apis/im/v1/messages/om_1', method: 'PATCH', headers: { authorization: 'Bearer t-2' } }).reply(200, { code: 0, msg: 'ok', data: {} });
    const tokens = new LarkAppTokens(options);
    expect(await patchAppCard(app, tokens, 'om_1', card, options)).toMatchObject({ ok: true });
    expect(issued).toBe(2);
  });

  it('an edit over the message\'s rate is retried later, a refused edit is final', async () => {
    const { pool, options } = lark();
    pool.intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST' }).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    pool.intercept({ path: '/open-apis/im/v1/messages/om_1', method: 'PATCH' }).reply(400, { code: 230020, msg: 'This operation triggers the frequency limit.' });
    pool.intercept({ path: '/open-apis/im/v1/messages/om_2', method: 'PATCH' }).reply(400, { code: 230001, msg: 'invalid message_id' });
    const tokens = new LarkAppTokens(options);
    expect(await patchAppCard(app, tokens, 'om_1', card, options)).toMatchObject({ ok: false, rateLimited: true, retryable: true });
    expect(await patchAppCard(app, tokens, 'om_2', card, options)).toMatchObject({ ok: false, permanent: true, code: 230001 });
  });
});
