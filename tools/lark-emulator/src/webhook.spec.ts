import { BotRegistry } from './bots';
import { FaultQueue } from './faults';
import { MessageLog } from './message-log';
import { RateLimiter } from './rate-limit';
import { larkSign } from './signature';
import type { BotConfig, WebhookOutcome } from './types';
import { type EmulatorState, handleWebhook } from './webhook';

const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);

function setup(bots: BotConfig[]) {
  let now = T0;
  const state: EmulatorState = {
    bots: new BotRegistry(), log: new MessageLog(), limiter: new RateLimiter(), faults: new FaultQueue(), clock: () => now,
  };
  bots.forEach((b) => state.bots.upsert(b));
  const send = (token: string, body: unknown): WebhookOutcome => {
    const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return handleWebhook(state, { token, raw, rawSize: raw.length, contentType: 'application/json' });
  };
  const advance = (ms: number) => { now += ms; };
  return { state, send, advance };
}

const code = (o: WebhookOutcome) => (o.kind === 'reply' ? o.reply.body['code'] : o.kind);
const status = (o: WebhookOutcome) => (o.kind === 'reply' ? o.reply.status : o.kind);
const text = (t: string) => ({ msg_type: 'text', content: { text: t } });
const signed = (body: object, secret: string, ts = String(T0 / 1000)) => ({ ...body, timestamp: ts, sign: larkSign(ts, secret) });

describe('handleWebhook', () => {
  it('answers the documented success body', () => {
    const { send } = setup([{ token: 'a' }]);
    const out = send('a', text('hi'));
    expect(out).toEqual({ kind: 'reply', reply: { status: 200, body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' } } });
  });

  it('rejects an unknown token with 19001', () => {
    const { send } = setup([]);
    const out = send('nope', text('hi'));
    expect(out).toEqual({ kind: 'reply', reply: { status: 200, body: { code: 19001, data: {}, msg: 'param invalid: incoming webhook access token invalid' } } });
  });

  it('accepts exactly 20 KB and rejects 20 KB + 1 byte with 19036', () => {
    const { send } = setup([{ token: 'a' }]);
    const frame = JSON.stringify(text('')).length;
    const exact = JSON.stringify(text('x'.repeat(20 * 1024 - frame)));
    expect(Buffer.byteLength(exact)).toBe(20 * 1024);
    expect(code(send('a', exact))).toBe(0);
    const over = send('a', JSON.stringify(text('x'.repeat(20 * 1024 - frame + 1))));
    expect(over).toEqual({ kind: 'reply', reply: { status: 200, body: { code: 19036, data: {}, msg: expect.stringContaining('20KB') } } });
  });

  it('answers malformed bodies 9499 Bad Request with HTTP 400', () => {
    const { send } = setup([{ token: 'a' }]);
    for (const bad of ['not json', { msg_type: 'interactive', content: { card: {} } }, { msg_type: 'text', content: {} }]) {
      const out = send('a', bad);
      expect(out).toEqual({ kind: 'reply', reply: { status: 400, body: { code: 9499, data: {}, msg: 'Bad Request' } } });
    }
  });

  it('checks the signature of a bot with a secret (19021)', () => {
    const { send, advance } = setup([{ token: 'a', secret: 's3cret' }]);
    expect(code(send('a', signed(text('hi'), 's3cret')))).toBe(0);
    expect(code(send('a', text('hi')))).toBe(19021);
    expect(code(send('a', signed(text('hi'), 'wrong')))).toBe(19021);
    advance(3601_000);
    expect(code(send('a', signed(text('hi'), 's3cret')))).toBe(19021);
  });

  it('throttles the 6th request in a second with 11232 / HTTP 200 by default', () => {
    const { send, advance } = setup([{ token: 'a' }]);
    for (let i = 0; i < 5; i++) expect(code(send('a', text('hi')))).toBe(0);
    const out = send('a', text('hi'));
    expect(code(out)).toBe(11232);
    expect(status(out)).toBe(200);
    advance(1000);
    expect(code(send('a', text('hi')))).toBe(0);
  });

  it('throttles with 9499 "too many request" / HTTP 400 when the bot asks for that style', () => {
    const { send } = setup([{ token: 'a', rateLimitStyle: '9499' }]);
    for (let i = 0; i < 5; i++) send('a', text('hi'));
    expect(send('a', text('hi'))).toEqual({ kind: 'reply', reply: { status: 400, body: { code: 9499, data: {}, msg: 'too many request' } } });
  });

  it('throttles the 101st request in a minute', () => {
    const { send, advance } = setup([{ token: 'a' }]);
    for (let i = 0; i < 100; i++) { expect(code(send('a', text('hi')))).toBe(0); advance(300); }
    expect(code(send('a', text('hi')))).toBe(11232);
  });

  it('rejects a message without any keyword with 19024', () => {
    const { send } = setup([{ token: 'a', keywords: ['alert'] }]);
    expect(code(send('a', text('alert!')))).toBe(0);
    expect(send('a', text('nothing'))).toEqual({ kind: 'reply', reply: { status: 200, body: { code: 19024, data: {}, msg: 'Key Words Not Found' } } });
  });

  it('checks in order: token, size, body, signature, rate limit, keyword', () => {
    const { send } = setup([{ token: 'a', secret: 's', keywords: ['alert'] }]);
    const huge = JSON.stringify(text('y'.repeat(30_000)));
    expect(code(send('x', huge))).toBe(19001);
    expect(code(send('a', huge))).toBe(19036);
    expect(code(send('a', { msg_type: 'text', timestamp: 'bad' }))).toBe(9499);
    // unsigned requests are rejected before the rate check and do not use quota
    for (let i = 0; i < 10; i++) expect(code(send('a', text('no keyword')))).toBe(19021);
    // keyword-less but signed requests pass the rate check (and use quota) before failing
    for (let i = 0; i < 5; i++) expect(code(send('a', signed(text('no keyword'), 's')))).toBe(19024);
    expect(code(send('a', signed(text('no keyword'), 's')))).toBe(11232);
  });

  it('logs every request, accepted or not', () => {
    const { send, state } = setup([{ token: 'a', keywords: ['alert'] }]);
    send('a', text('alert'));
    send('a', text('nope'));
    send('zz', 'garbage');
    expect(state.log.list()).toEqual([
      { id: 1, token: 'a', receivedAt: '2024-01-01T10:00:00.000Z', accepted: true, code: 0, msg: 'success', body: text('alert'), rawSize: Buffer.byteLength(JSON.stringify(text('alert'))), httpStatus: 200, contentType: 'application/json' },
      expect.objectContaining({ id: 2, accepted: false, code: 19024, body: text('nope') }),
      expect.objectContaining({ id: 3, token: 'zz', accepted: false, code: 19001, body: null, rawSize: 7 }),
    ]);
  });

  it('applies queued faults once each, then answers normally', () => {
    const { send, state } = setup([{ token: 'a' }, { token: 'b', rateLimitStyle: '9499' }]);
    state.faults.push('a', [{ kind: 'http5xx', status: 502 }, { kind: 'timeout', ms: 50 }, { kind: 'code', code: 19022, msg: 'ip not allowed' }]);
    state.faults.push(undefined, [{ kind: 'rate-limit' }]);
    expect(send('a', text('x'))).toEqual({ kind: 'http5xx', status: 502 });
    expect(send('a', text('x'))).toEqual({ kind: 'timeout', ms: 50 });
    expect(send('a', text('x'))).toEqual({ kind: 'reply', reply: { status: 200, body: { code: 19022, data: {}, msg: 'ip not allowed' } } });
    expect(send('b', text('x'))).toEqual({ kind: 'reply', reply: { status: 400, body: { code: 9499, data: {}, msg: 'too many request' } } });
    expect(code(send('a', text('x')))).toBe(0);
    expect(state.log.list().map((r) => [r.fault, r.code, r.httpStatus])).toEqual([
      ['http5xx', null, 502], ['timeout', null, null], ['code', 19022, 200], ['rate-limit', 9499, 400], [undefined, 0, 200],
    ]);
  });

  it('does not spend faults on unknown tokens', () => {
    const { send, state } = setup([{ token: 'a' }]);
    state.faults.push(undefined, [{ kind: 'http5xx' }]);
    expect(code(send('nope', text('x')))).toBe(19001);
    expect(send('a', text('x'))).toEqual({ kind: 'http5xx', status: 500 });
  });
});
