import type { AdminReply, AdminRequest } from './admin';
import { handleAppAdmin } from './app-admin';
import { createAppState } from './app-state';
import type { CallbackContext } from './click';

const APP = { appId: 'cli_a', appSecret: 's', verificationToken: 'v' };

function setup() {
  const state = createAppState(() => 0, [APP]);
  const post = jest.fn();
  const ctx: CallbackContext = { state, post, callbackTimeoutMs: 10, verifyTimeoutMs: 10 };
  const call = async (method: string, pathAndQuery: string, body?: unknown): Promise<AdminReply | undefined> => {
    const url = new URL(pathAndQuery, 'http://x');
    const req: AdminRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      raw: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    };
    return handleAppAdmin(ctx, req);
  };
  return { state, post, call };
}

describe('handleAppAdmin', () => {
  it('leaves routes that are not its own to the webhook admin API', async () => {
    const { call } = setup();
    expect(await call('GET', '/healthz')).toBeUndefined();
    expect(await call('GET', '/bots')).toBeUndefined();
  });

  it('validates apps and refuses unknown app routes', async () => {
    const { call } = setup();
    expect((await call('POST', '/apps', '{'))?.status).toBe(400);
    expect((await call('POST', '/apps', { ...APP, appId: 'x' }))?.status).toBe(400);
    expect((await call('POST', '/apps/cli_a'))?.status).toBe(404);
    expect((await call('DELETE', '/apps/cli_zz/tokens'))?.status).toBe(404);
    expect((await call('POST', '/apps/cli_zz/verify-url'))?.status).toBe(404);
  });

  it('forgets an app\'s tokens and counters when it is removed', async () => {
    const { state, call } = setup();
    state.tokens.countRequest('cli_a');
    const { token } = state.tokens.issue('cli_a', 60, 0);
    expect(await call('DELETE', '/apps/cli_a')).toEqual({ status: 200, body: { removed: 'cli_a' } });
    expect(state.tokens.resolve(token, 0)).toBeUndefined();
    expect(state.tokens.stats('cli_a', 0).tokenRequests).toBe(0);
  });

  it('refuses a click or verification the app cannot receive without calling out', async () => {
    const { state, post, call } = setup();
    const message = state.messages.add({ appId: 'cli_a', chatId: 'oc_1', content: {}, nowMs: 0 });
    expect(await call('POST', '/click', { messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {} })).toEqual({
      status: 409,
      body: { error: 'app cli_a has no callbackUrl' },
    });
    expect((await call('POST', '/apps/cli_a/verify-url'))?.status).toBe(409);
    expect((await call('POST', '/click', { operator: { open_id: '' } }))?.status).toBe(400);
    expect(post).not.toHaveBeenCalled();
  });

  it('clears app traffic: messages, the request log, edit windows and remembered clicks', async () => {
    const { state, call } = setup();
    state.messages.add({ appId: 'cli_a', chatId: 'oc_1', content: {}, nowMs: 0 });
    state.events.set('e', { appId: 'cli_a', messageId: 'm', plaintext: '{}' });
    for (let i = 0; i < 5; i++) state.patchLimiter.tryAcquire('m', 0);
    expect(await call('DELETE', '/app-messages')).toEqual({ status: 200, body: { cleared: 1, requests: 0 } });
    expect(state.events.size).toBe(0);
    expect(state.patchLimiter.tryAcquire('m', 0)).toBe(true);
  });

  it('checks the request log filters', async () => {
    const { call } = setup();
    expect((await call('GET', '/app-requests?accepted=maybe'))?.status).toBe(400);
    expect(await call('GET', '/app-requests?api=send&accepted=true')).toEqual({ status: 200, body: { requests: [] } });
  });
});
