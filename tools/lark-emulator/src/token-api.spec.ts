import { createAppState } from './app-state';
import { handleTenantToken } from './token-api';

const T0 = Date.UTC(2024, 5, 1, 9, 0, 0);
const APP = { appId: 'cli_a1', appSecret: 'sec', verificationToken: 'vt', tokenTtlSeconds: 100 };

function setup() {
  let now = T0;
  const state = createAppState(() => now, [APP]);
  const ask = (body: unknown) => {
    const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return handleTenantToken(state, { raw, rawSize: raw.length });
  };
  return { state, ask, advance: (ms: number) => { now += ms; } };
}

describe('handleTenantToken', () => {
  it('issues a token with Lark\'s success body and counts the request', () => {
    const { state, ask } = setup();
    const reply = ask({ app_id: 'cli_a1', app_secret: 'sec' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ code: 0, msg: 'ok', tenant_access_token: expect.stringMatching(/^t-/), expire: 100 });
    expect(state.tokens.stats('cli_a1', T0).tokenRequests).toBe(1);
    expect(state.requests.list()).toMatchObject([{ api: 'tenant_access_token', appId: 'cli_a1', accepted: true, code: 0, httpStatus: 200 }]);
  });

  it('answers the same token later with the seconds left', () => {
    const { ask, advance } = setup();
    const first = ask({ app_id: 'cli_a1', app_secret: 'sec' }).body;
    advance(40_000);
    expect(ask({ app_id: 'cli_a1', app_secret: 'sec' }).body).toMatchObject({ tenant_access_token: first['tenant_access_token'], expire: 60 });
  });

  it.each([
    ['a body that is not JSON', '{'],
    ['an array', '[]'],
    ['a missing secret', { app_id: 'cli_a1' }],
    ['an empty app id', { app_id: '', app_secret: 'sec' }],
    ['an app id not shaped like cli_', { app_id: 'test', app_secret: 'sec' }],
    ['a number for the secret', { app_id: 'cli_a1', app_secret: 1 }],
  ])('answers 10003 invalid param (HTTP 200) for %s', (_name, body) => {
    const reply = setup().ask(body);
    expect(reply).toEqual({ status: 200, body: { code: 10003, data: {}, msg: 'invalid param' } });
  });

  it('answers 10014 for an unknown app and for a wrong secret, counting only the known app', () => {
    const { state, ask } = setup();
    expect(ask({ app_id: 'cli_zz', app_secret: 'sec' })).toEqual({ status: 200, body: { code: 10014, data: {}, msg: 'app id not exists' } });
    expect(ask({ app_id: 'cli_a1', app_secret: 'nope' })).toEqual({ status: 200, body: { code: 10014, data: {}, msg: 'app secret invalid' } });
    expect(state.tokens.stats('cli_a1', T0)).toMatchObject({ tokenRequests: 1, tokensIssued: 0 });
    expect(state.requests.list({ accepted: false }).map((r) => [r.appId, r.code])).toEqual([['cli_zz', 10014], ['cli_a1', 10014]]);
  });
});
