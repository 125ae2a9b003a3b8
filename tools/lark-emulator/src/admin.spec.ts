import { type AdminRequest, handleAdmin } from './admin';
import { BotRegistry } from './bots';
import { FaultQueue } from './faults';
import { MessageLog } from './message-log';
import { RateLimiter } from './rate-limit';
import type { EmulatorState } from './webhook';

function setup() {
  const state: EmulatorState = {
    bots: new BotRegistry(), log: new MessageLog(), limiter: new RateLimiter(), faults: new FaultQueue(), clock: () => 0,
  };
  const call = (method: string, pathAndQuery: string, body?: unknown) => {
    const url = new URL(pathAndQuery, 'http://x');
    const req: AdminRequest = {
      method, path: url.pathname, query: url.searchParams,
      raw: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    };
    return handleAdmin(state, req);
  };
  return { state, call };
}

describe('handleAdmin', () => {
  it('reports health', () => {
    expect(setup().call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('upserts and lists bots, validating input', () => {
    const { call } = setup();
    expect(call('POST', '/bots', { token: 'a', keywords: ['alert'] })).toEqual({
      status: 201, body: { bot: { token: 'a', keywords: ['alert'] }, created: true },
    });
    expect(call('POST', '/bots', { token: 'a', secret: 's' }).body).toMatchObject({ created: false });
    expect(call('GET', '/bots').body).toEqual({ bots: [{ token: 'a', secret: 's' }] });
    expect(call('POST', '/bots', { keywords: [] }).status).toBe(400);
    expect(call('POST', '/bots', '{').status).toBe(400);
    expect(call('DELETE', '/bots/a').status).toBe(200);
    expect(call('DELETE', '/bots/a').status).toBe(404);
  });

  it('lists messages with token/accepted filters and clears them with the rate windows', () => {
    const { call, state } = setup();
    const base = { receivedAt: '', msg: '', body: null, rawSize: 0, httpStatus: 200 };
    state.log.add({ ...base, token: 'a', accepted: true, code: 0 });
    state.log.add({ ...base, token: 'b', accepted: false, code: 19024 });
    const ids = (q: string) => (call('GET', `/messages${q}`).body as { messages: { id: number }[] }).messages.map((m) => m.id);
    expect(ids('')).toEqual([1, 2]);
    expect(ids('?token=a')).toEqual([1]);
    expect(ids('?accepted=false')).toEqual([2]);
    expect(ids('?token=a&accepted=false')).toEqual([]);
    expect(call('GET', '/messages?accepted=maybe').status).toBe(400);
    for (let i = 0; i < 5; i++) state.limiter.tryAcquire('a', 0);
    expect(call('DELETE', '/messages')).toEqual({ status: 200, body: { cleared: 2 } });
    expect(ids('')).toEqual([]);
    expect(state.limiter.tryAcquire('a', 0)).toBe(true);
  });

  it('queues faults for a bot or all bots', () => {
    const { call, state } = setup();
    expect(call('POST', '/faults', { token: 'a', faults: [{ kind: 'rate-limit' }] })).toEqual({ status: 201, body: { queued: 1, token: 'a' } });
    expect(call('POST', '/faults', { faults: [{ kind: 'http5xx', status: 503 }] }).status).toBe(201);
    expect(call('POST', '/faults', { faults: [{ kind: 'explode' }] }).status).toBe(400);
    expect(call('GET', '/faults').body).toEqual({ global: [{ kind: 'http5xx', status: 503 }], perBot: { a: [{ kind: 'rate-limit' }] } });
    expect(call('DELETE', '/faults').status).toBe(200);
    expect(state.faults.take('a')).toBeUndefined();
  });

  it('answers 404 for unknown routes', () => {
    expect(setup().call('GET', '/nope').status).toBe(404);
    expect(setup().call('PUT', '/bots').status).toBe(404);
  });
});
