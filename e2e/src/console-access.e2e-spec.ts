import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import type { z } from 'zod';
import { API_RESPONSES } from '@alertlark/contracts';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';

interface TeamAnswer {
  id: string;
  apiToken: string;
  ingestToken: string;
}

interface Operation {
  security: Record<string, string[]>[];
  parameters: { name: string; in: 'path' | 'query'; required: boolean }[];
  requestBody?: unknown;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

/** Every route of the document as `{method, path, op}`, so a new route is covered without editing this file. */
function routesOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

describe('console access: team isolation, tokens, masking and the webhook URL guard, driven by /api/docs', () => {
  let fleet: Fleet;
  let database: mongoose.Connection;
  let teamA: TeamAnswer;
  let teamB: TeamAnswer;
  let document: OpenApiDocument;
  const run = randomBytes(4).toString('hex');
  const botToken = `tok-${run}-hidden`;
  const botSecret = `secret-${run}-hidden`;
  const fingerprint = `fp${run}`;
  /** Answers of creations made in beforeAll, by `METHOD /nest/path`, checked against the documented schemas. */
  const createdAnswers: Record<string, unknown> = {};
  /** Team A's resource of each path segment, used for the `{id}` of another team's requests. */
  const resourceOfA: Record<string, string> = {};
  const api = (path: string) => `${fleet.url.console}/api/v1${path}`;
  const emulatorHook = (token: string) => `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`;
  const policyBody = (objectId: string) => ({ name: `policy-${run}`, matchers: ['team="payments"'], objectIds: [objectId] });

  /** The URL of a documented path with team A's resources and required query parameters filled in. */
  const concrete = (path: string, op: Operation): string => {
    const segment = path.split('/')[3]!;
    const filled = path.replace(/\{(\w+)\}/g, () => {
      const id = resourceOfA[segment];
      if (!id) throw new Error(`no team-A fixture for ${path}: add one in beforeAll so its isolation is tested`);
      return id;
    });
    const query = op.parameters.filter((parameter) => parameter.in === 'query' && (parameter.required || parameter.name === 'objectId'));
    return `${fleet.url.console}${filled}${query.length > 0 ? `?${query.map((parameter) => `${parameter.name}=${resourceOfA['notification-objects']}`).join('&')}` : ''}`;
  };

  /** A body that passes validation, so an answer other than 404 cannot hide behind a 400. */
  const validBody = (method: string, path: string): unknown => {
    if (method === 'GET' || method === 'DELETE') return undefined;
    if (path.endsWith('/preview') || path.endsWith('/test')) return {};
    if (path.startsWith('/api/v1/notification-objects')) return { name: 'hijacked' };
    if (path.startsWith('/api/v1/notification-policies')) return policyBody(resourceOfA['notification-objects']!);
    if (path.startsWith('/api/v1/alert-groups')) return { type: 'claim', actor: 'mallory' };
    return path.endsWith('/tokens') ? { kind: 'api' } : {};
  };

  beforeAll(async () => {
    fleet = await startFleet(29000);
    database = await mongoose.createConnection(fleet.env.MONGO_URL!).asPromise();
    teamA = await fleet.createTeam(`access-a-${run}`);
    createdAnswers['POST /api/v1/teams'] = { ...teamA };
    teamB = await fleet.createTeam(`access-b-${run}`);
    const asA = (path: string, body: unknown) => requestJson<{ id: string }>('POST', api(path), { token: teamA.apiToken, body });
    const object = await asA('/notification-objects', { name: `payments-${run}`, webhookUrl: emulatorHook(botToken), secret: botSecret, keywords: ['alert'] });
    expect(object.status).toBe(201);
    resourceOfA['notification-objects'] = object.body.id;
    createdAnswers['POST /api/v1/notification-objects'] = object.body;
    const policy = await asA('/notification-policies', policyBody(object.body.id));
    expect(policy.status).toBe(201);
    resourceOfA['notification-policies'] = policy.body.id;
    createdAnswers['POST /api/v1/notification-policies'] = policy.body;
    const silence = await asA('/silences', { matchers: ['alertname="HighCPU"'], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance', createdBy: 'alice' });
    expect(silence.status).toBe(201);
    resourceOfA.silences = silence.body.id;
    createdAnswers['POST /api/v1/silences'] = silence.body;
    const rule = await asA('/inhibition-rules', { name: 'r', sourceMatchers: ['a="1"'], targetMatchers: ['b="2"'] });
    expect(rule.status).toBe(201);
    resourceOfA['inhibition-rules'] = rule.body.id;
    createdAnswers['POST /api/v1/inhibition-rules'] = rule.body;
    // Alert states are the policy-router's; one is seeded for team A.
    await database.collection<{ _id: string; [field: string]: unknown }>('alert_states').insertOne({
      _id: `${teamA.id}/${fingerprint}`,
      teamId: teamA.id,
      fingerprint,
      status: 'firing',
      labels: [{ name: 'alertname', value: 'HighCPU' }],
      annotations: [],
      source: 'alertmanager',
      lastEventId: 'evt_seed',
      lastReceivedAt: new Date(),
      groupKeys: [],
      startsAt: new Date(Date.now() - 60_000),
      endsAt: null,
      generatorURL: 'http://prometheus:9090/graph',
    });
    resourceOfA.alerts = fingerprint;
    // Alert groups are projected from the router's changelog; one is seeded for team A.
    const groupId = `grp_${run}seed0000000000000000`.slice(0, 28);
    await database.collection<{ _id: string; [field: string]: unknown }>('alert_groups').insertOne({
      _id: groupId,
      teamId: teamA.id,
      groupKey: `${resourceOfA['notification-policies']}:{"alertname"="HighCPU"}`,
      policyId: resourceOfA['notification-policies']!,
      groupLabels: [{ name: 'alertname', value: 'HighCPU' }],
      incident: { id: 'inc_seed', openedAt: Date.now() - 60_000, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null },
      updatedAt: new Date(),
      endedAt: null,
    });
    resourceOfA['alert-groups'] = groupId;
    // The router has no such group (it was seeded in the read model): it refuses the claim, and says why.
    const acted = await requestJson<{ outcome: string }>('POST', api(`/alert-groups/${groupId}/actions`), { token: teamA.apiToken, body: { type: 'claim', actor: 'alice' } });
    expect(acted.status).toBe(200);
    expect(acted.body.outcome).toBe('refused');
    createdAnswers['POST /api/v1/alert-groups/:id/actions'] = acted.body;
    resourceOfA.teams = teamA.id;
    const docs = await requestJson<OpenApiDocument>('GET', `${fleet.url.console}/api/docs`);
    expect(docs.status).toBe(200);
    document = docs.body;
  });

  afterAll(async () => {
    await database?.close();
    await fleet?.stop();
  });

  it('serves an OpenAPI 3.1 document without a token', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(routesOf(document).length).toBeGreaterThan(20);
  });

  it("gives another team 404 (or nothing) on every team-scoped route for team A's resources, and changes nothing", async () => {
    const teamRoutes = routesOf(document).filter((route) => route.op.security.some((scheme) => 'teamApiToken' in scheme));
    expect(teamRoutes.length).toBeGreaterThan(15);
    const idsOfA = Object.values(resourceOfA).filter((id) => id !== teamA.id);
    for (const { method, path, op } of teamRoutes) {
      const hasPathId = /\{\w+\}/.test(path);
      const needsObject = op.parameters.some((parameter) => parameter.in === 'query' && parameter.required);
      if (!hasPathId && method !== 'GET') continue; // creating in one's own team, or rotating one's own token
      const answer = await requestJson<Record<string, unknown>>(method, concrete(path, op), { token: teamB.apiToken, body: validBody(method, path) });
      if (hasPathId || needsObject) {
        expect({ route: `${method} ${path}`, status: answer.status, error: answer.body.error }).toEqual({ route: `${method} ${path}`, status: 404, error: 'not_found' });
        expect(typeof answer.body.message).toBe('string');
      } else {
        expect({ route: `${method} ${path}`, status: answer.status }).toEqual({ route: `${method} ${path}`, status: 200 });
        for (const id of idsOfA) expect(JSON.stringify(answer.body)).not.toContain(id);
      }
    }
    // Team A's resources are as they were.
    const asA = (path: string) => requestJson<Record<string, unknown>>('GET', api(path), { token: teamA.apiToken });
    expect((await asA(`/notification-objects/${resourceOfA['notification-objects']}`)).body.name).toBe(`payments-${run}`);
    expect((await asA(`/notification-policies/${resourceOfA['notification-policies']}`)).status).toBe(200);
    expect((await asA(`/silences/${resourceOfA.silences}`)).body.state).toBe('active');
    expect((await asA(`/inhibition-rules/${resourceOfA['inhibition-rules']}`)).status).toBe(200);
    expect((await asA(`/alerts/${fingerprint}`)).status).toBe(200);
  });

  it('answers 401 in the one error shape without a token on every route, and 401 to a team token on admin routes', async () => {
    for (const { method, path, op } of routesOf(document)) {
      const url = concrete(path, op);
      const none = await requestJson<Record<string, unknown>>(method, url, { body: validBody(method, path) });
      expect({ route: `${method} ${path}`, status: none.status, error: none.body.error }).toEqual({ route: `${method} ${path}`, status: 401, error: 'unauthorized' });
      expect(Object.keys(none.body).sort()).toEqual(['error', 'message']);
      if (op.security.some((scheme) => 'adminToken' in scheme)) {
        const asTeam = await requestJson<Record<string, unknown>>(method, url, { token: teamA.apiToken, body: method === 'POST' ? { kind: 'api', name: 'x' } : undefined });
        expect([401, 403]).toContain(asTeam.status);
      }
    }
    const unknown = await requestJson<Record<string, unknown>>('GET', api('/no-such-thing'), { token: teamA.apiToken });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found', message: expect.any(String) } });
  });

  it('never shows the webhook token or the signing secret in a GET answer, nor in the console log', async () => {
    const gets = routesOf(document).filter((route) => route.method === 'GET' && route.op.security.some((scheme) => 'teamApiToken' in scheme));
    for (const { path, op } of gets) {
      const answer = await requestJson('GET', concrete(path, op), { token: teamA.apiToken });
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(botToken);
      expect(JSON.stringify(answer.body)).not.toContain(botSecret);
    }
    const consoleLog = readFileSync(fleet.processes.find((process) => process.name === 'console')!.logFile, 'utf8');
    expect(consoleLog).not.toContain(botToken);
    expect(consoleLog).not.toContain(botSecret);
  });

  it.each([
    ['link-local metadata', 'http://169.254.169.254/open-apis/bot/v2/hook/abc'],
    ['private network', 'http://10.0.0.1/open-apis/bot/v2/hook/abc'],
    ['not a Lark host', 'https://example.com/open-apis/bot/v2/hook/abc'],
    ['Lark over plain http', 'http://open.feishu.cn/open-apis/bot/v2/hook/abc'],
  ])('refuses a webhook URL to %s with a 400 naming why', async (_what, webhookUrl) => {
    const answer = await requestJson<{ error: string; message: string; details: { path: string; message: string }[] }>('POST', api('/notification-objects'), {
      token: teamA.apiToken,
      body: { name: 'ssrf', webhookUrl, keywords: [] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    expect(answer.body.details[0]).toMatchObject({ path: 'webhookUrl', message: expect.stringMatching(/\w{4,}/) });
  });

  it('deletes a chatbot (another team gets 404), pages and searches the list', async () => {
    const asB = (method: string, path: string, body?: unknown) => requestJson<{ items: { id: string }[]; [field: string]: unknown }>(method, api(path), { token: teamB.apiToken, body });
    const ids: string[] = [];
    for (const name of ['alpha', 'beta', 'gamma']) {
      const created = await asB('POST', '/notification-objects', { name: `${name}-${run}`, webhookUrl: emulatorHook(`${name}-${run}`), keywords: [] });
      expect(created.status).toBe(201);
      ids.push(String(created.body.id));
    }
    const first = await asB('GET', '/notification-objects?limit=2');
    expect(first.body).toMatchObject({ limit: 2, offset: 0 });
    expect(first.body.items.map((item) => item.id)).toEqual(ids.slice(0, 2));
    const second = await asB('GET', '/notification-objects?limit=2&offset=2');
    expect(second.body.items.map((item) => item.id)).toEqual(ids.slice(2));
    const search = await asB('GET', `/notification-objects?q=BETA-${run}`);
    expect(search.body.items.map((item) => item.id)).toEqual([ids[1]]);
    expect((await asB('GET', '/notification-objects?limit=0')).body).toMatchObject({ error: 'validation_failed' });

    await waitForConfig(fleet, 'policy-router', `object/${ids[0]}`);
    expect((await requestJson('DELETE', api(`/notification-objects/${ids[0]}`), { token: teamA.apiToken })).status).toBe(404);
    expect((await asB('DELETE', `/notification-objects/${ids[0]}`)).status).toBe(204);
    expect((await asB('GET', `/notification-objects/${ids[0]}`)).status).toBe(404);
    expect((await asB('DELETE', `/notification-objects/${ids[0]}`)).body).toMatchObject({ error: 'not_found' });
    await waitFor('policy-router to drop the deleted chatbot', async () => {
      const answer = await requestJson<{ present: boolean }>('GET', `${fleet.internalUrl['policy-router']}/internal/config?key=${encodeURIComponent(`object/${ids[0]}`)}`);
      return answer.body.present === false || undefined;
    });
  });

  it("answers as /api/docs documents: team A's own answers match the contract's response schemas, with no field besides", async () => {
    const checked: string[] = [];
    for (const { method, path, op } of routesOf(document)) {
      const route = `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const schema = (API_RESPONSES as Record<string, z.ZodType>)[route];
      if (!schema) continue;
      let body: unknown = createdAnswers[route];
      // Reads, the side-effect-free posts, and a PUT that leaves team A's resource as it was.
      if (body === undefined && (method === 'GET' || /\/(preview|test)$/.test(path) || method === 'PUT')) {
        const token = op.security.some((scheme) => 'adminToken' in scheme) ? fleet.adminToken : teamA.apiToken;
        const sameAsBefore = path.startsWith('/api/v1/notification-objects') ? { name: `payments-${run}` } : validBody(method, path);
        const answer = await requestJson(method, concrete(path, op), { token, body: method === 'PUT' ? sameAsBefore : validBody(method, path) });
        expect({ route, status: answer.status }).toEqual({ route, status: 200 });
        body = answer.body;
      }
      if (body === undefined) continue;
      const parsed = schema.safeParse(body);
      expect({ route, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ route, issues: [] });
      checked.push(route);
    }
    // Every route with an answer but the token rotations (checked below) and the silence expiry.
    expect(checked.sort()).toEqual(Object.keys(API_RESPONSES).filter((route) => !/tokens$|^DELETE/.test(route)).sort());
  });

  it('refuses to delete a chatbot a policy still notifies, naming the policy; deletes it once the policy lets go', async () => {
    const asB = (method: string, path: string, body?: unknown) => requestJson<Record<string, unknown>>(method, api(path), { token: teamB.apiToken, body });
    const bot = await asB('POST', '/notification-objects', { name: `in-use-${run}`, webhookUrl: emulatorHook(`in-use-${run}`), keywords: [] });
    const spare = await asB('POST', '/notification-objects', { name: `spare-${run}`, webhookUrl: emulatorHook(`spare-${run}`), keywords: [] });
    const policy = await asB('POST', '/notification-policies', { name: `uses-it-${run}`, objectIds: [bot.body.id] });
    expect([bot.status, spare.status, policy.status]).toEqual([201, 201, 201]);
    const refused = await asB('DELETE', `/notification-objects/${String(bot.body.id)}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'object_in_use', details: [{ policyId: policy.body.id, name: `uses-it-${run}` }] });
    expect(refused.body.message).toContain(`"uses-it-${run}"`);
    expect((await asB('GET', `/notification-objects/${String(bot.body.id)}`)).status).toBe(200);
    const moved = await asB('PUT', `/notification-policies/${String(policy.body.id)}`, { name: `uses-it-${run}`, objectIds: [spare.body.id] });
    expect(moved.status).toBe(200);
    expect((await asB('DELETE', `/notification-objects/${String(bot.body.id)}`)).status).toBe(204);
  });

  it('publishes a saved row whose publication has not happened yet (the config outbox)', async () => {
    // What a create leaves when the console stops before publishing: the row, due, and nothing on the topic.
    const id = `npol_unpublished${run}`;
    const now = new Date();
    await database.collection<{ _id: string; [field: string]: unknown }>('notification_policies').insertOne({
      _id: id,
      teamId: teamA.id,
      name: `unpublished-${run}`,
      matchers: ['team="payments"'],
      objectIds: [resourceOfA['notification-objects']],
      sendResolved: true,
      enabled: true,
      createdAt: now,
      updatedAt: now,
      version: 1,
      publishedVersion: 0,
      unpublished: true,
    });
    await waitForConfig(fleet, 'policy-router', `policy/${id}`);
  });

  it('rotates API tokens (by the admin and by the team itself): the old one is refused, the new one works', async () => {
    const listWith = (token: string) => requestJson('GET', api('/notification-objects'), { token });
    const rotated = await requestJson<{ token: string; kind: string }>('POST', api(`/teams/${teamA.id}/tokens`), { token: fleet.adminToken, body: { kind: 'api' } });
    expect(rotated).toMatchObject({ status: 201, body: { kind: 'api', token: expect.stringMatching(/^alk_api_/) } });
    expect(API_RESPONSES['POST /api/v1/teams/:id/tokens'].safeParse(rotated.body).success).toBe(true);
    expect((await listWith(teamA.apiToken)).status).toBe(401);
    expect((await listWith(rotated.body.token)).status).toBe(200);
    teamA.apiToken = rotated.body.token;

    const own = await requestJson<{ token: string }>('POST', api('/team/tokens'), { token: teamB.apiToken, body: { kind: 'api' } });
    expect(own.status).toBe(201);
    expect(API_RESPONSES['POST /api/v1/team/tokens'].safeParse(own.body).success).toBe(true);
    expect((await listWith(teamB.apiToken)).status).toBe(401);
    expect((await listWith(own.body.token)).status).toBe(200);
    teamB.apiToken = own.body.token;

    expect(await requestJson('POST', api('/team/tokens'), { token: teamB.apiToken, body: { kind: 'admin' } })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(await requestJson('POST', api('/teams/team_nope/tokens'), { token: fleet.adminToken, body: { kind: 'api' } })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('rotates the ingest token: ingest takes the new one within seconds and refuses the old one', async () => {
    const alert = { version: '4', status: 'firing', receiver: 'alertlark', alerts: [{ status: 'firing', labels: { alertname: `Rotation_${run}` }, annotations: {}, startsAt: new Date().toISOString() }] };
    const post = (token: string) => requestJson('POST', `${fleet.url.ingest}/api/v1/alerts/alertmanager`, { token, body: alert });
    await waitForConfig(fleet, 'ingest', `team/${teamA.id}`);
    expect((await post(teamA.ingestToken)).status).toBe(202);
    const rotated = await requestJson<{ token: string }>('POST', api(`/teams/${teamA.id}/tokens`), { token: fleet.adminToken, body: { kind: 'ingest' } });
    expect(rotated.body.token).toMatch(/^alk_ingest_/);
    await waitFor('ingest to accept the new token', async () => (await post(rotated.body.token)).status === 202 || undefined, 10_000);
    expect((await post(teamA.ingestToken)).status).toBe(401);
  });
});
