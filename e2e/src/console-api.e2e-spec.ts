import { API_RESPONSES } from '@alertlark/contracts';
import { requestJson } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';

interface TeamAnswer {
  id: string;
  apiToken: string;
  ingestToken: string;
}

describe('console API: teams, chatbots and policies, with bad input refused', () => {
  let fleet: Fleet;
  let teamA: TeamAnswer;
  let teamB: TeamAnswer;
  let objectA: string;
  const api = (path: string) => `${fleet.url.console}/api/v1${path}`;
  const emulatorHook = (token: string) => `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`;

  beforeAll(async () => {
    fleet = await startFleet(14000);
    teamA = await fleet.createTeam('team-a');
    teamB = await fleet.createTeam('team-b');
    const object = await requestJson<{ id: string }>('POST', api('/notification-objects'), {
      token: teamA.apiToken,
      body: { name: 'payments-oncall', webhookUrl: emulatorHook('tokA-123456'), secret: 'sign-me', keywords: ['alert'] },
    });
    expect(object.status).toBe(201);
    objectA = object.body.id;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('creates teams only with the admin token, and shows their tokens once', async () => {
    expect((await requestJson('POST', api('/teams'), { body: { name: 'x' } })).status).toBe(401);
    expect((await requestJson('POST', api('/teams'), { token: teamA.apiToken, body: { name: 'x' } })).status).toBe(401);
    expect(teamA.apiToken).toMatch(/^alk_api_/);
    expect(teamA.ingestToken).toMatch(/^alk_ingest_/);
    const list = await requestJson<{ items: Record<string, unknown>[] }>('GET', api('/teams'), { token: fleet.adminToken });
    expect(list.body.items.map((team) => team.id)).toEqual(expect.arrayContaining([teamA.id, teamB.id]));
    expect(JSON.stringify(list.body)).not.toMatch(/alk_(api|ingest)_|TokenHash/);
  });

  it('deletes a team with the admin token only; its tokens stop working', async () => {
    const doomed = await requestJson<TeamAnswer>('POST', api('/teams'), { token: fleet.adminToken, body: { name: 'doomed' } });
    expect((await requestJson('DELETE', api(`/teams/${doomed.body.id}`), { token: doomed.body.apiToken })).status).toBe(401);
    expect((await requestJson('DELETE', api(`/teams/${doomed.body.id}`), { token: fleet.adminToken })).status).toBe(204);
    expect((await requestJson('GET', api('/notification-objects'), { token: doomed.body.apiToken })).status).toBe(401);
    expect((await requestJson('DELETE', api(`/teams/${doomed.body.id}`), { token: fleet.adminToken })).status).toBe(404);
  });

  it('masks the bot token and the signing secret in every answer', async () => {
    const one = await requestJson<{ webhookUrl: string; secret: string }>('GET', api(`/notification-objects/${objectA}`), { token: teamA.apiToken });
    expect(one.status).toBe(200);
    expect(one.body.webhookUrl).toBe(`${fleet.url.emulator}/open-apis/bot/v2/hook/****3456`);
    expect(one.body.secret).toBe('****');
    const list = await requestJson('GET', api('/notification-objects?q=payments'), { token: teamA.apiToken });
    expect(JSON.stringify(list.body)).toContain(objectA);
    expect(JSON.stringify(list.body)).not.toMatch(/tokA-123456|sign-me/);
  });

  it("keeps one team out of another's chatbots", async () => {
    expect((await requestJson('GET', api(`/notification-objects/${objectA}`), { token: teamB.apiToken })).status).toBe(404);
    const listB = await requestJson<{ items: unknown[] }>('GET', api('/notification-objects'), { token: teamB.apiToken });
    expect(listB.body.items).toEqual([]);
    const policy = await requestJson<{ message: string }>('POST', api('/notification-policies'), {
      token: teamB.apiToken,
      body: { name: 'steal', matchers: [], objectIds: [objectA] },
    });
    expect(policy.status).toBe(400);
    expect(policy.body.message).toContain(`objectIds: unknown notification object ${objectA}`);
  });

  it.each([
    ['another host', 'https://example.com/open-apis/bot/v2/hook/abc'],
    ['plain http to Lark', 'http://open.feishu.cn/open-apis/bot/v2/hook/abc'],
    ['the cloud metadata endpoint', 'http://169.254.169.254/latest/meta-data'],
    ['a private address', 'https://10.0.0.8/open-apis/bot/v2/hook/abc'],
    ['a wrong path on Lark', 'https://open.feishu.cn/some/other/path'],
  ])('refuses a webhook URL to %s', async (_case, webhookUrl) => {
    const answer = await requestJson<{ error: string; message: string }>('POST', api('/notification-objects'), {
      token: teamA.apiToken,
      body: { name: 'bad', webhookUrl },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    expect(answer.body.message).toMatch(/^webhookUrl: /);
  });

  it('accepts both Lark and Feishu webhook hosts', async () => {
    for (const host of ['open.feishu.cn', 'open.larksuite.com']) {
      const answer = await requestJson('POST', api('/notification-objects'), {
        token: teamA.apiToken,
        body: { name: host, webhookUrl: `https://${host}/open-apis/bot/v2/hook/0a1b2c3d-4e5f` },
      });
      expect(answer.status).toBe(201);
    }
  });

  it('names the field of a schema violation, and the position of a bad matcher', async () => {
    const missing = await requestJson<{ error: string; message: string }>('POST', api('/notification-objects'), {
      token: teamA.apiToken,
      body: { webhookUrl: emulatorHook('x1') },
    });
    expect(missing).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(missing.body.message).toContain('name');

    const badTime = await requestJson<{ message: string }>('POST', api('/notification-objects'), {
      token: teamA.apiToken,
      body: { name: 'n', webhookUrl: emulatorHook('x2'), dailyStats: { enabled: true, times: ['25:00'], timezone: 'Mars/Olympus' } },
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.message).toContain('dailyStats.times.0');
    expect(badTime.body.message).toContain('dailyStats.timezone');

    const matcher = await requestJson<{ details: { path: string; position: number }[] }>('POST', api('/notification-policies'), {
      token: teamA.apiToken,
      body: { name: 'p', matchers: ['severity="critical"', 'team=~"(payments"'], objectIds: [objectA] },
    });
    expect(matcher.status).toBe(400);
    expect(matcher.body.details[0]).toMatchObject({ path: 'matchers.1', position: expect.any(Number) });

    const duration = await requestJson<{ message: string }>('POST', api('/notification-policies'), {
      token: teamA.apiToken,
      body: { name: 'p', matchers: [], objectIds: [objectA], groupInterval: '0s' },
    });
    expect(duration.status).toBe(400);
    expect(duration.body.message).toContain('groupInterval');

    const malformed = await requestJson<{ error: string }>('POST', api('/notification-policies'), { token: teamA.apiToken, rawBody: '{"name":' });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
  });

  it("previews the card of a chatbot not saved yet from the sender's renderer: 400 for a bad config, 401 without a token, nothing stored", async () => {
    const preview = (body: unknown, token?: string) => requestJson<{ card: { card: { header: Record<string, unknown> } }; error?: string; message?: string }>('POST', api('/notification-objects/preview'), { ...(token ? { token } : {}), body });
    const before = await requestJson<{ items: unknown[] }>('GET', api('/notification-objects?limit=100'), { token: teamA.apiToken });

    const drawn = await preview({ name: 'draft', keywords: ['alert'], card: { titleTemplate: '{{alertname}} on {{labels.cluster}}', severityColors: { critical: 'carmine' } } }, teamA.apiToken);
    expect(drawn.status).toBe(200);
    expect(API_RESPONSES['POST /api/v1/notification-objects/preview'].safeParse(drawn.body).success).toBe(true);
    expect(drawn.body.card.card.header).toMatchObject({ title: { tag: 'plain_text', content: 'HighCPUUsage on prod' }, template: 'carmine' });
    const given = await preview({ alerts: [{ labels: { alertname: 'DiskFull', instance: 'db-1' } }] }, teamA.apiToken);
    expect(given).toMatchObject({ status: 200, body: { shownAlerts: 1, omittedAlerts: 0 } });
    expect(JSON.stringify(given.body.card)).toContain('DiskFull');
    expect((await preview(undefined, teamA.apiToken)).status).toBe(200);

    const colour = await preview({ card: { severityColors: { critical: 'crimson' } } }, teamA.apiToken);
    expect(colour).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(colour.body.message).toContain('card.severityColors.critical');
    const placeholder = await preview({ card: { titleTemplate: '{{alertnam}}' } }, teamA.apiToken);
    expect(placeholder).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(placeholder.body.message).toContain('card.titleTemplate');
    expect((await preview({ webhookUrl: emulatorHook('x') }, teamA.apiToken)).status).toBe(400);

    expect(await preview({ card: { titleTemplate: 'x' } })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect((await preview({}, 'alk_api_wrong')).status).toBe(401);
    const after = await requestJson<{ items: unknown[] }>('GET', api('/notification-objects?limit=100'), { token: teamA.apiToken });
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it('creates a policy with Alertmanager defaults', async () => {
    const created = await requestJson('POST', api('/notification-policies'), {
      token: teamA.apiToken,
      body: { name: 'payments', matchers: ['team="payments"'], objectIds: [objectA] },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', sendResolved: true, enabled: true },
    });
  });
});
