import { randomBytes } from 'node:crypto';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createPolicy, postWebhook, sleep, type EmulatorMessage } from './support/lark-bots';

interface PreviewAnswer {
  card: { msg_type: string; card: { header: { title: { content: string }; template: string } } & Record<string, unknown> };
  bytes: number;
  shownAlerts: number;
  omittedAlerts: number;
}

interface TestAnswer {
  ok: boolean;
  code: number | null;
  msg: string | null;
  httpStatus: number;
}

/**
 * Card content per chatbot (title template, colours by severity, labels, a whole custom template)
 * through the real console, sender and Lark emulator: preview, test send, validation, delivery.
 */
describe('card configuration, preview and test send on the real stack', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  const run = randomBytes(3).toString('hex');
  const api = (path: string) => `${fleet.url.console}/api/v1${path}`;
  const hook = (token: string) => `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`;
  const card = {
    language: 'en',
    titleTemplate: '{{status}} · {{alertname}} in {{labels.cluster}} ({{firingCount}}/{{count}})',
    severityColors: { critical: 'carmine', warning: 'yellow' },
    labels: ['instance', 'job'],
  };

  /** Registers a bot with the emulator and a chatbot for it with the console. */
  async function chatbot(name: string, bot: { secret?: string; keywords?: string[] }, object: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    const token = `bot-${run}-${randomBytes(4).toString('hex')}`;
    const registered = await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token, ...bot } });
    expect(registered.status).toBe(201);
    const created = await requestJson<{ id: string }>('POST', api('/notification-objects'), {
      token: team.apiToken,
      body: { name, webhookUrl: hook(token), keywords: ['alert'], ...object },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, token };
  }

  const messages = async (token: string) =>
    (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${token}`)).body.messages;

  beforeAll(async () => {
    fleet = await startFleet(23000);
    team = await fleet.createTeam(`cards-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('previews the configured title, colours and labels without sending anything', async () => {
    const object = await chatbot('preview', { keywords: ['alert'] }, { card });
    const sample = await requestJson<PreviewAnswer>('POST', api(`/notification-objects/${object.id}/preview`), { token: team.apiToken });
    expect(sample.status).toBe(200);
    expect(sample.body.card.msg_type).toBe('interactive');
    expect(sample.body.card.card.header).toEqual({ title: { tag: 'plain_text', content: 'Firing · HighCPUUsage in prod (2/3)' }, template: 'carmine' });
    expect(JSON.stringify(sample.body.card)).toContain('**job**: node');
    expect(sample.body).toMatchObject({ shownAlerts: 3, omittedAlerts: 0, bytes: Buffer.byteLength(JSON.stringify(sample.body.card)) });
    expect(JSON.stringify(sample.body.card)).not.toContain('"sign"');

    const given = await requestJson<PreviewAnswer>('POST', api(`/notification-objects/${object.id}/preview`), {
      token: team.apiToken,
      body: { alerts: [{ labels: [{ name: 'alertname', value: 'DiskFull' }, { name: 'cluster', value: 'eu' }, { name: 'severity', value: 'warning' }, { name: 'instance', value: 'db-7' }] }] },
    });
    expect(given.status).toBe(200);
    expect(given.body.card.card.header).toEqual({ title: { tag: 'plain_text', content: 'Firing · DiskFull in eu (1/1)' }, template: 'yellow' });
    expect(JSON.stringify(given.body.card)).toContain('db-7');

    const resolved = await requestJson<PreviewAnswer>('POST', api(`/notification-objects/${object.id}/preview`), { token: team.apiToken, body: { status: 'resolved' } });
    expect(resolved.body.card.card.header.template).toBe('green');
    expect(resolved.body.card.card.header.title.content).toMatch(/^Resolved · HighCPUUsage/);
    expect(await messages(object.token)).toEqual([]);

    const other = await fleet.createTeam(`cards-other-${run}`);
    expect((await requestJson('POST', api(`/notification-objects/${object.id}/preview`), { token: other.apiToken })).status).toBe(404);
    expect((await requestJson('POST', api(`/notification-objects/${object.id}/test`), { token: other.apiToken })).status).toBe(404);
    expect((await requestJson('POST', api(`/notification-objects/${object.id}/preview`), {})).status).toBe(401);
  });

  it('test send answers with Lark\'s code: 0 for a good bot, 19024 without its keyword, 19021 with a wrong secret', async () => {
    const good = await chatbot('good', { keywords: ['alert'], secret: 'right-secret' }, { secret: 'right-secret', card });
    const sent = await requestJson<TestAnswer>('POST', api(`/notification-objects/${good.id}/test`), { token: team.apiToken });
    expect(sent).toMatchObject({ status: 200, body: { ok: true, code: 0, msg: 'success', httpStatus: 200 } });
    const [message] = await messages(good.token);
    expect(message).toMatchObject({ accepted: true, code: 0 });
    expect(message!.body?.sign).toEqual(expect.any(String));
    expect(cardText(message!)).toContain('Firing · HighCPUUsage in prod (2/3)');

    const keyword = await chatbot('wrong-keyword', { keywords: [`pager-${run}`] });
    const refused = await requestJson<TestAnswer>('POST', api(`/notification-objects/${keyword.id}/test`), { token: team.apiToken });
    expect(refused).toMatchObject({ status: 200, body: { ok: false, code: 19024, httpStatus: 200 } });
    expect(refused.body.msg).toEqual(expect.any(String));

    const signature = await chatbot('wrong-secret', { keywords: ['alert'], secret: 'right-secret' }, { secret: 'wrong-secret' });
    const unsigned = await requestJson<TestAnswer>('POST', api(`/notification-objects/${signature.id}/test`), { token: team.apiToken });
    expect(unsigned).toMatchObject({ status: 200, body: { ok: false, code: 19021 } });
  });

  it('refuses a bad template when saved, naming the placeholder, on create and on update', async () => {
    const template = { header: { title: { tag: 'plain_text', content: '{{alertnmae}}' } }, elements: ['{{alerts}}'] };
    const created = await requestJson<{ error: string; message: string; details: { path: string }[] }>('POST', api('/notification-objects'), {
      token: team.apiToken,
      body: { name: 'bad-template', webhookUrl: hook('bad-template'), keywords: ['alert'], card: { template } },
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toBe('validation_failed');
    expect(created.body.message).toContain('{{alertnmae}}');
    expect(created.body.details[0]?.path).toBe('card.template.header.title.content');

    const object = await chatbot('update-me', { keywords: ['alert'] });
    for (const bad of [{ template: '{"elements": [' }, { template: { elements: [], foo: 1 } }, { titleTemplate: '{{nope}}' }, { severityColors: { critical: 'pink' } }]) {
      const answer = await requestJson<{ error: string; message: string }>('PUT', api(`/notification-objects/${object.id}`), { token: team.apiToken, body: { card: bad } });
      expect(answer).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(answer.body.message).toMatch(/^card\./);
    }
    const unchanged = await requestJson<{ card: unknown }>('GET', api(`/notification-objects/${object.id}`), { token: team.apiToken });
    expect(unchanged.body.card).toBeNull();
  });

  it('delivers an alert from ingest as a card with the configured title, also after an update', async () => {
    const object = await chatbot('delivered', { keywords: ['alert'] }, { card });
    await waitForConfig(fleet, 'lark-sender', `object/${object.id}`);
    const alertname = `CardTitle_${run}`;
    await createPolicy(fleet, team.apiToken, { name: 'cards', matchers: [`alertname=~"${alertname}.*"`], objectIds: [object.id], groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' });

    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, cluster: 'eu-2', instance: 'web-9', severity: 'critical' } }]);
    const [first] = await waitFor('the first card', async () => {
      const accepted = (await messages(object.token)).filter((m) => m.accepted);
      return accepted.length >= 1 ? accepted : undefined;
    });
    expect(cardText(first!)).toContain(`"content":"Firing · ${alertname} in eu-2 (1/1)"`);
    expect(cardText(first!)).toContain('"template":"carmine"');

    // A whole template by PUT: the sender picks it up from the config topic.
    const before = (await requestJson<{ revision: number }>('GET', `${fleet.internalUrl['lark-sender']}/internal/config`)).body.revision;
    const template = {
      schema: '2.0',
      header: { title: { tag: 'plain_text', content: '{{alertname}} on {{labels.instance}}' }, template: '{{color}}' },
      body: { elements: [{ tag: 'markdown', content: '{{firingCount}} firing for {{objectName}}' }, '{{alerts}}'] },
    };
    const updated = await requestJson<{ card: { template: unknown } }>('PUT', api(`/notification-objects/${object.id}`), { token: team.apiToken, body: { card: { ...card, titleTemplate: undefined, template } } });
    expect(updated.status).toBe(200);
    expect(updated.body.card.template).toEqual(template);
    await waitFor('lark-sender to apply the update', async () => {
      const status = await requestJson<{ revision: number }>('GET', `${fleet.internalUrl['lark-sender']}/internal/config`);
      return status.body.revision > before || undefined;
    });
    await sleep(500);

    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname: `${alertname}_2`, cluster: 'eu-2', instance: 'web-10', severity: 'warning' } }]);
    const [, second] = await waitFor('the second card', async () => {
      const accepted = (await messages(object.token)).filter((m) => m.accepted);
      return accepted.length >= 2 ? accepted : undefined;
    });
    const text = cardText(second!);
    expect(text).toContain(`"content":"${alertname}_2 on web-10"`);
    expect(text).toContain('"template":"yellow"');
    expect(text).toContain('"schema":"2.0"');
    expect(text).toContain('1 firing for delivered');
  });
});
