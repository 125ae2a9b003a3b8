import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EVENTS, type DeliveryEvent } from '@alertlark/contracts';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';

// The console alone (with the Lark emulator) on 11100–11101, small team caps: its response
// headers, its team caps, the rate budget of test sends, and cards' console links opening UI pages.
const CONSOLE_PORT = 11100;
const EMULATOR_PORT = 11101;

describe('console hardening: headers, team caps, test-send budget, card links', () => {
  const runId = `e2e${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const consoleUrl = `http://127.0.0.1:${CONSOLE_PORT}`;
  const emulatorUrl = `http://127.0.0.1:${EMULATOR_PORT}`;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    MONGO_URL: (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${runId}$1`),
    HOST: '127.0.0.1',
    ALERTLARK_ADMIN_TOKEN: adminToken,
    ALERTLARK_SECRET_KEY: randomBytes(32).toString('hex'),
    ALERTLARK_WEBHOOK_HOSTS_ALLOW: `127.0.0.1:${EMULATOR_PORT}`,
    ALERTLARK_CONSUMER_GROUP_PREFIX: runId,
    ALERTLARK_CONSUMER_START: 'latest',
    ALERTLARK_CONSOLE_URL: consoleUrl,
    CONSOLE_PORT: String(CONSOLE_PORT),
    LARK_EMULATOR_PORT: String(EMULATOR_PORT),
    CONSOLE_TEAM_MAX_CHATBOTS: '2',
    CONSOLE_TEAM_MAX_POLICIES: '1',
    CONSOLE_TEAM_MAX_SILENCES: '1',
    CONSOLE_TEAM_MAX_INHIBITION_RULES: '1',
  };
  const api = (route: string) => `${consoleUrl}/api/v1${route}`;
  const hook = (token: string) => `${emulatorUrl}/open-apis/bot/v2/hook/${token}`;
  let processes: RunningProcess[] = [];
  let producer: Producer;
  let browser: Browser;
  let page: Page;
  const teamIds: string[] = [];

  async function createTeam(name: string): Promise<{ id: string; apiToken: string }> {
    const answer = await requestJson<{ id: string; apiToken: string }>('POST', api('/teams'), { token: adminToken, body: { name } });
    expect(answer.status).toBe(201);
    teamIds.push(answer.body.id);
    return answer.body;
  }

  async function createBot(apiToken: string, name: string): Promise<{ id: string; token: string }> {
    const token = `bot-${randomBytes(6).toString('hex')}`;
    await requestJson('POST', `${emulatorUrl}/_emulator/bots`, { body: { token, keywords: ['alert'] } });
    const created = await requestJson<{ id: string }>('POST', api('/notification-objects'), { token: apiToken, body: { name, webhookUrl: hook(token), keywords: ['alert'] } });
    expect(created.status).toBe(201);
    return { id: created.body.id, token };
  }

  beforeAll(async () => {
    const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', runId);
    processes = [startProcess('lark-emulator', 'lark-emulator', env, logDir), startProcess('console', 'console', env, logDir)];
    await waitReady(`${emulatorUrl}/_emulator/healthz`);
    await waitReady(`${consoleUrl}/readyz`, 90_000);
    producer = new Kafka({ clientId: 'e2e-hardening', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await Promise.allSettled(teamIds.map((id) => requestJson('DELETE', api(`/teams/${id}`), { token: adminToken })));
    await Promise.all(processes.map((p) => p.stop()));
  });

  it("every answer forbids framing and does not say what it runs on: API, errors, web UI, redirects", async () => {
    const answers = await Promise.all([
      fetch(`${consoleUrl}/api/docs`),
      fetch(api('/notification-objects')),
      fetch(api('/teams'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: '{"name":' }),
      fetch(`${consoleUrl}/`),
      fetch(`${consoleUrl}/stats?objectId=x`, { redirect: 'manual' }),
      fetch(`${consoleUrl}/readyz`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 400, 200, 302, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('x-powered-by')).toBeNull();
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
    }
    // The web UI's own policy keeps the rest of what it says.
    expect(answers[3]!.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('caps what one team holds: a create past a cap is a 409 naming the limit; expired silences and other teams do not count', async () => {
    const team = await createTeam('capped');
    const other = await createTeam('uncapped');
    const first = await createBot(team.apiToken, 'one');
    await createBot(team.apiToken, 'two');
    const bot = await requestJson('POST', api('/notification-objects'), { token: team.apiToken, body: { name: 'three', webhookUrl: hook('bot-three'), keywords: ['alert'] } });
    expect(bot.status).toBe(409);
    expect(bot.body).toEqual({ error: 'limit_reached', message: 'a team may have at most 2 chatbots; it has 2: delete one first', details: { limit: 2, count: 2 } });
    await createBot(other.apiToken, 'theirs');

    const policy = { name: 'p', matchers: ['severity="critical"'], objectIds: [first.id] };
    expect((await requestJson('POST', api('/notification-policies'), { token: team.apiToken, body: policy })).status).toBe(201);
    const policy2 = await requestJson('POST', api('/notification-policies'), { token: team.apiToken, body: { ...policy, name: 'p2' } });
    expect(policy2).toMatchObject({ status: 409, body: { error: 'limit_reached', message: expect.stringContaining('at most 1 notification policies'), details: { limit: 1 } } });

    const rule = { name: 'r', sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['cluster'] };
    expect((await requestJson('POST', api('/inhibition-rules'), { token: team.apiToken, body: rule })).status).toBe(201);
    const rule2 = await requestJson('POST', api('/inhibition-rules'), { token: team.apiToken, body: { ...rule, name: 'r2' } });
    expect(rule2).toMatchObject({ status: 409, body: { error: 'limit_reached', message: expect.stringContaining('at most 1 inhibition rules'), details: { limit: 1 } } });

    const silence = { matchers: ['alertname="X"'], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance', createdBy: 'e2e' };
    const kept = await requestJson<{ id: string }>('POST', api('/silences'), { token: team.apiToken, body: silence });
    expect(kept.status).toBe(201);
    const silence2 = await requestJson('POST', api('/silences'), { token: team.apiToken, body: silence });
    expect(silence2).toMatchObject({ status: 409, body: { error: 'limit_reached', message: expect.stringContaining('at most 1 pending or active silences'), details: { limit: 1 } } });
    expect((await requestJson('DELETE', api(`/silences/${kept.body.id}`), { token: team.apiToken })).status).toBe(200);
    expect((await requestJson('POST', api('/silences'), { token: team.apiToken, body: silence })).status).toBe(201);
  });

  it("counts test sends in the bot's rate budget: the sixth in a second is a 429 naming the limit, and Lark never sees it", async () => {
    const team = await createTeam('tester');
    const bot = await createBot(team.apiToken, 'tested');
    const answers = await Promise.all(Array.from({ length: 6 }, () => requestJson<Record<string, unknown>>('POST', api(`/notification-objects/${bot.id}/test`), { token: team.apiToken, body: {} })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.filter((answer) => answer.status === 200).every((answer) => answer.body['code'] === 0)).toBe(true);
    expect(answers.find((answer) => answer.status === 429)!.body).toMatchObject({
      error: 'rate_limited',
      message: expect.stringContaining('at most 5 requests a second and 100 a minute'),
      details: { perSecond: 5, perMinute: 100 },
    });
    const received = await requestJson<{ messages: { accepted: boolean }[] }>('GET', `${emulatorUrl}/_emulator/messages?token=${bot.token}`);
    expect(received.body.messages).toHaveLength(5);
    expect(received.body.messages.every((message) => message.accepted)).toBe(true);
  });

  describe("cards' console links open their web UI page", () => {
    let team: { id: string; apiToken: string };
    let bots: { id: string; token: string }[];

    beforeAll(async () => {
      team = await createTeam('linked');
      bots = [await createBot(team.apiToken, 'a-first'), await createBot(team.apiToken, 'b-second')];
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(30_000);
    }, 120_000);

    it('each link is a redirect to its page with the query as it came', async () => {
      for (const [link, target] of [
        ['/alerts?group=%7B%7D%3A%7Balertname%3D%22X%22%7D', '/#/alerts?group=%7B%7D%3A%7Balertname%3D%22X%22%7D'],
        ['/deliveries?digestId=dg-1', '/#/deliveries?digestId=dg-1'],
        ['/stats?objectId=nobj_1', '/#/stats?objectId=nobj_1'],
        ['/stats', '/#/stats'],
      ]) {
        const answer = await fetch(`${consoleUrl}${link}`, { redirect: 'manual' });
        expect([link, answer.status, answer.headers.get('location')]).toEqual([link, 302, target]);
      }
    });

    it("a digest's link shows that digest's deliveries, after signing in", async () => {
      // Two digests' attempts, projected by the console from the deliveries topic as lark-sender's are.
      const digestId = `dg-${randomBytes(4).toString('hex')}`;
      const event = (n: number, digest: string): DeliveryEvent => ({
        deliveryId: `${digest}-${n}-${randomBytes(3).toString('hex')}`,
        notificationId: `n-${digest}-${n}`,
        teamId: team.id,
        objectId: bots[0]!.id,
        attempt: 1,
        outcome: 'delivered',
        digestId: digest,
        httpStatus: 200,
        larkCode: 0,
        alertCount: 3 + n,
        at: new Date().toISOString(),
        durationMs: 12,
      });
      await waitFor('the digest projected', async () => {
        await producer.send({ topic: EVENTS.deliveries.topic, messages: [event(1, digestId), event(2, 'dg-other')].map((value) => ({ key: value.objectId, value: JSON.stringify(value) })) });
        const listed = await requestJson<{ items: unknown[] }>('GET', api(`/deliveries?digestId=${digestId}`), { token: team.apiToken });
        return listed.body.items.length > 0 || undefined;
      });
      const listed = await requestJson<{ items: { digestId: string }[] }>('GET', api(`/deliveries?digestId=${digestId}`), { token: team.apiToken });
      expect(new Set(listed.body.items.map((item) => item.digestId))).toEqual(new Set([digestId]));

      await page.goto(`${consoleUrl}/deliveries?digestId=${digestId}`);
      await page.fill('#token', team.apiToken);
      await page.click('button[type=submit]');
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      expect(page.url()).toBe(`${consoleUrl}/#/deliveries?digestId=${digestId}`);
      await page.locator('[data-testid=digest-filter]', { hasText: digestId }).waitFor();
      await page.locator('tbody tr', { hasText: 'delivered' }).first().waitFor();
      // Only this digest's rows (alert count 4); the other digest's (5) is not on the page.
      for (const row of await page.locator('tbody tr td:nth-child(9)').allTextContents()) expect(row).toBe('4');
    });

    it("a daily summary's link shows its chatbot's statistics; a group's link that group's alerts", async () => {
      await page.goto(`${consoleUrl}/stats?objectId=${bots[1]!.id}`);
      await page.getByRole('heading', { name: 'Statistics' }).waitFor();
      expect(await page.locator('#stats-object').inputValue()).toBe(bots[1]!.id);
      await page.locator('.panel .legend').waitFor();

      const groupKey = '{}:{alertname="DiskFull"}';
      await page.goto(`${consoleUrl}/alerts?group=${encodeURIComponent(groupKey)}`);
      await page.getByRole('heading', { name: 'Alerts' }).waitFor();
      await page.locator('[data-testid=group-filter]', { hasText: groupKey }).waitFor();
      await page.getByRole('heading', { name: 'Firing (0)' }).waitFor();
    });
  });
});
