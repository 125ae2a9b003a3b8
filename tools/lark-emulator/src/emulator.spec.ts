import { request } from 'undici';
import { createLarkEmulator, type LarkEmulator } from './emulator';
import { larkSign } from './signature';

const T0 = Date.UTC(2024, 5, 1, 9, 0, 0);

describe('Lark emulator over HTTP', () => {
  let now = T0;
  let emulator: LarkEmulator;
  let base: string;

  const post = async (path: string, body: unknown) => {
    const res = await request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const res = await request(`${base}${path}`);
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };
  const hook = (token: string) => `/open-apis/bot/v2/hook/${token}`;
  const card = (title: string) => ({
    msg_type: 'interactive',
    card: { header: { title: { tag: 'plain_text', content: title }, template: 'red' }, elements: [{ tag: 'markdown', content: 'body' }] },
  });

  beforeAll(async () => {
    emulator = createLarkEmulator({ clock: () => now, bots: [{ token: 'preset' }] });
    const port = await emulator.listen(0);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    now = T0;
    await request(`${base}/_emulator/messages`, { method: 'DELETE' }).then((r) => r.body.dump());
    await request(`${base}/_emulator/faults`, { method: 'DELETE' }).then((r) => r.body.dump());
  });

  it('serves health, registers bots and accepts a signed card carrying the keyword', async () => {
    expect((await get('/_emulator/healthz')).status).toBe(200);
    const created = await post('/_emulator/bots', { token: 'tok1', secret: 'sec', keywords: ['alert'] });
    expect(created.status).toBe(201);
    expect((await get('/_emulator/bots')).json['bots']).toEqual([{ token: 'preset' }, { token: 'tok1', secret: 'sec', keywords: ['alert'] }]);

    const ts = String(Math.floor(now / 1000));
    const ok = await post(hook('tok1'), { ...card('alert: HighCPU'), timestamp: ts, sign: larkSign(ts, 'sec') });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });

    const noKw = await post(hook('tok1'), { ...card('HighCPU'), timestamp: ts, sign: larkSign(ts, 'sec') });
    expect(noKw.json()).toMatchObject({ code: 19024 });
    const unsigned = await post(hook('tok1'), card('alert'));
    expect(unsigned.json()).toMatchObject({ code: 19021 });
  });

  it('answers 19001, 9499 (HTTP 400) and 19036 like Lark', async () => {
    expect((await post(hook('missing'), card('x'))).json()).toMatchObject({ code: 19001 });
    const bad = await post(hook('preset'), '{"msg_type":"interactive","content":{}}');
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ code: 9499, data: {}, msg: 'Bad Request' });
    const big = await post(hook('preset'), { msg_type: 'text', content: { text: 'z'.repeat(25_000) } });
    expect(big.json()).toMatchObject({ code: 19036 });
    const log = (await get('/_emulator/messages?token=preset&accepted=false')).json['messages'] as { code: number; rawSize: number }[];
    expect(log.map((m) => m.code)).toEqual([9499, 19036]);
    expect(log[1]?.rawSize).toBeGreaterThan(25_000);
  });

  it('rate-limits at 5/s and clears the windows with DELETE /_emulator/messages', async () => {
    for (let i = 0; i < 5; i++) expect((await post(hook('preset'), card('x'))).json()).toMatchObject({ code: 0 });
    const limited = await post(hook('preset'), card('x'));
    expect(limited.status).toBe(200);
    expect(limited.json()).toMatchObject({ code: 11232 });
    await request(`${base}/_emulator/messages`, { method: 'DELETE' }).then((r) => r.body.dump());
    expect((await post(hook('preset'), card('x'))).json()).toMatchObject({ code: 0 });
  });

  it('injects 5xx, Lark codes and timeouts (socket destroyed after the delay)', async () => {
    const queued = await post('/_emulator/faults', {
      token: 'preset',
      faults: [{ kind: 'http5xx', status: 503 }, { kind: 'code', code: 19022, msg: 'ip not allowed' }, { kind: 'timeout', ms: 150 }],
    });
    expect(queued.status).toBe(201);
    const res5xx = await post(hook('preset'), card('x'));
    expect(res5xx.status).toBe(503);
    expect((await post(hook('preset'), card('x'))).json()).toMatchObject({ code: 19022 });

    const started = Date.now();
    const viaFetch = fetch(`${base}${hook('preset')}`, { method: 'POST', body: JSON.stringify(card('x')) });
    await expect(viaFetch).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect((await post(hook('preset'), card('x'))).json()).toMatchObject({ code: 0 });

    const log = (await get('/_emulator/messages?token=preset')).json['messages'] as { fault?: string }[];
    expect(log.map((m) => m.fault ?? null)).toEqual(['http5xx', 'code', 'timeout', null]);
  });

  it('answers 404 elsewhere', async () => {
    expect((await get('/open-apis/other')).status).toBe(404);
  });

  it('close() does not wait for a held (timeout fault) request', async () => {
    const other = createLarkEmulator({ bots: [{ token: 't' }] });
    const port = await other.listen(0);
    const url = `http://127.0.0.1:${port}`;
    await fetch(`${url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ faults: [{ kind: 'timeout', ms: 60_000 }] }) });
    const held = fetch(`${url}${hook('t')}`, { method: 'POST', body: JSON.stringify(card('x')) }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await held).toMatchObject({ message: 'fetch failed' });
  });
});
