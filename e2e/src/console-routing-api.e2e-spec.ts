import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS, configEventSchema, type ConfigEvent } from '@alertlark/contracts';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';

interface TeamAnswer {
  id: string;
  apiToken: string;
}

interface SilenceAnswer {
  id: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  state: 'pending' | 'active' | 'expired';
  comment: string;
  createdBy: string;
}

interface ErrorAnswer {
  error: string;
  message: string;
  details?: { path: string; position?: number; message: string }[];
}

/** A document written straight into a collection the policy-router owns (ids are strings there). */
interface SeededDocument {
  _id: string;
  teamId: string;
  [field: string]: unknown;
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

describe('console API: silences, inhibition rules, alerts and policy changes, team-scoped', () => {
  let fleet: Fleet;
  let teamA: TeamAnswer;
  let teamB: TeamAnswer;
  let objectA: string;
  let database: mongoose.Connection;
  const api = (path: string) => `${fleet.url.console}/api/v1${path}`;
  const asA = <T>(method: string, path: string, body?: unknown) => requestJson<T>(method, api(path), { token: teamA.apiToken, body });
  const collection = (name: string) => database.collection<SeededDocument>(name);
  const asB = <T>(method: string, path: string, body?: unknown) => requestJson<T>(method, api(path), { token: teamB.apiToken, body });

  beforeAll(async () => {
    fleet = await startFleet(16000);
    teamA = await fleet.createTeam('routing-a');
    teamB = await fleet.createTeam('routing-b');
    const object = await asA<{ id: string }>('POST', '/notification-objects', {
      name: 'oncall',
      webhookUrl: `${fleet.url.emulator}/open-apis/bot/v2/hook/routing-${randomBytes(4).toString('hex')}`,
    });
    expect(object.status).toBe(201);
    objectA = object.body.id;
    database = await mongoose.createConnection(fleet.env.MONGO_URL!).asPromise();
  });

  afterAll(async () => {
    await database?.close();
    await fleet?.stop();
  });

  describe('silences', () => {
    const silenceBody = (fields: Record<string, unknown> = {}) => ({
      matchers: ['alertname="HighCPU"', 'instance=~"web-.*"'],
      endsAt: minutes(60),
      comment: 'maintenance of the web tier',
      createdBy: 'alice',
      ...fields,
    });

    it('creates an active silence starting now and publishes it to the router', async () => {
      const before = Date.now();
      const created = await asA<SilenceAnswer>('POST', '/silences', silenceBody());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^sil_[0-9a-f]{16}$/), state: 'active', createdBy: 'alice' });
      expect(Date.parse(created.body.startsAt)).toBeGreaterThanOrEqual(before - 1_000);
      await waitForConfig(fleet, 'policy-router', `silence/${created.body.id}`);

      expect(await asA('GET', `/silences/${created.body.id}`)).toMatchObject({ status: 200, body: { id: created.body.id, state: 'active' } });
      const active = await asA<{ items: SilenceAnswer[] }>('GET', '/silences?state=active');
      expect(active.body.items.map((silence) => silence.id)).toContain(created.body.id);
      const pending = await asA<{ items: SilenceAnswer[] }>('GET', '/silences?state=pending');
      expect(pending.body.items.map((silence) => silence.id)).not.toContain(created.body.id);
    });

    it('lists newest first, with paging', async () => {
      const first = await asA<SilenceAnswer>('POST', '/silences', silenceBody({ comment: 'first' }));
      const second = await asA<SilenceAnswer>('POST', '/silences', silenceBody({ comment: 'second' }));
      const page = await asA<{ items: SilenceAnswer[]; limit: number; offset: number }>('GET', '/silences?limit=2');
      expect(page.body).toMatchObject({ limit: 2, offset: 0 });
      expect(page.body.items.map((silence) => silence.id)).toEqual([second.body.id, first.body.id]);
      const next = await asA<{ items: SilenceAnswer[] }>('GET', '/silences?limit=1&offset=1');
      expect(next.body.items.map((silence) => silence.id)).toEqual([first.body.id]);
    });

    it('expires a pending silence by starting and ending it now, and republishes it', async () => {
      const created = await asA<SilenceAnswer>('POST', '/silences', silenceBody({ startsAt: minutes(30), endsAt: minutes(90) }));
      expect(created.body.state).toBe('pending');
      const pending = await asA<{ items: SilenceAnswer[] }>('GET', '/silences?state=pending');
      expect(pending.body.items.map((silence) => silence.id)).toEqual([created.body.id]);

      const expired = await asA<SilenceAnswer>('DELETE', `/silences/${created.body.id}`);
      expect(expired).toMatchObject({ status: 200, body: { id: created.body.id, state: 'expired' } });
      expect(expired.body.startsAt).toBe(expired.body.endsAt);
      expect(Date.parse(expired.body.endsAt)).toBeLessThanOrEqual(Date.now());

      const event = await waitForConfigEvent(fleet, `silence/${created.body.id}`, (e) => e.type === 'silence.upserted' && e.silence.endsAt === expired.body.endsAt);
      expect(event).toMatchObject({ silence: { teamId: teamA.id, startsAt: expired.body.startsAt, matchers: created.body.matchers, comment: created.body.comment } });
      const expiredList = await asA<{ items: SilenceAnswer[] }>('GET', '/silences?state=expired');
      expect(expiredList.body.items.map((silence) => silence.id)).toContain(created.body.id);
    });

    it('expires an active silence by ending it now; a second expiry is refused', async () => {
      const created = await asA<SilenceAnswer>('POST', '/silences', silenceBody());
      const expired = await asA<SilenceAnswer>('DELETE', `/silences/${created.body.id}`);
      expect(expired).toMatchObject({ status: 200, body: { state: 'expired', startsAt: created.body.startsAt } });
      expect(Date.parse(expired.body.endsAt)).toBeLessThan(Date.parse(created.body.endsAt));
      await waitForConfigEvent(fleet, `silence/${created.body.id}`, (e) => e.type === 'silence.upserted' && e.silence.endsAt === expired.body.endsAt);

      expect(await asA('GET', `/silences/${created.body.id}`)).toMatchObject({ status: 200, body: { state: 'expired' } });
      expect(await asA('DELETE', `/silences/${created.body.id}`)).toMatchObject({ status: 400, body: { error: 'already_expired' } });
    });

    it("keeps one team out of another's silences", async () => {
      const created = await asA<SilenceAnswer>('POST', '/silences', silenceBody());
      expect(await asB('GET', `/silences/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await asB('DELETE', `/silences/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await asB<{ items: unknown[] }>('GET', '/silences')).body.items).toEqual([]);
      expect(await asA('GET', `/silences/${created.body.id}`)).toMatchObject({ status: 200, body: { state: 'active' } });
      expect((await requestJson('GET', api('/silences'))).status).toBe(401);
    });

    it('refuses a bad matcher with its position, and matchers that would silence everything', async () => {
      const bad = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ matchers: ['alertname="HighCPU"', 'team=~"(payments"'] }));
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(bad.body.details).toEqual([{ path: 'matchers.1', position: expect.any(Number), message: expect.any(String) }]);

      const everything = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ matchers: ['instance=~".*"'] }));
      expect(everything).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ path: 'matchers' }] } });
    });

    it('refuses times that do not make a silence, naming the field', async () => {
      const backwards = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ startsAt: minutes(60), endsAt: minutes(30) }));
      expect(backwards).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(backwards.body.message).toContain('endsAt');

      const past = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ startsAt: minutes(-60), endsAt: minutes(-30) }));
      expect(past).toMatchObject({ status: 400, body: { details: [{ path: 'endsAt' }] } });

      const notATime = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ endsAt: 'tomorrow' }));
      expect(notATime.status).toBe(400);
      expect(notATime.body.message).toContain('endsAt');

      const noComment = await asA<ErrorAnswer>('POST', '/silences', silenceBody({ comment: undefined }));
      expect(noComment.status).toBe(400);
      expect(noComment.body.message).toContain('comment');

      const badState = await asA<ErrorAnswer>('GET', '/silences?state=sleeping');
      expect(badState).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(badState.body.message).toContain('state');
    });

    it('moves a start in the past to now', async () => {
      const created = await asA<SilenceAnswer>('POST', '/silences', silenceBody({ startsAt: minutes(-60) }));
      expect(created).toMatchObject({ status: 201, body: { state: 'active' } });
      expect(Date.parse(created.body.startsAt)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('inhibition rules', () => {
    const ruleBody = (fields: Record<string, unknown> = {}) => ({
      name: 'critical hides warning',
      sourceMatchers: ['severity="critical"'],
      targetMatchers: ['severity="warning"'],
      equal: ['alertname', 'cluster'],
      ...fields,
    });

    it('creates, reads and deletes a rule, publishing each change', async () => {
      const created = await asA<{ id: string }>('POST', '/inhibition-rules', ruleBody());
      expect(created).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^inh_[0-9a-f]{16}$/), ...ruleBody() } });
      const key = `inhibition-rule/${created.body.id}`;
      await waitForConfig(fleet, 'policy-router', key);

      expect(await asA('GET', `/inhibition-rules/${created.body.id}`)).toMatchObject({ status: 200, body: ruleBody() });
      const list = await asA<{ items: { id: string }[] }>('GET', '/inhibition-rules');
      expect(list.body.items.map((rule) => rule.id)).toContain(created.body.id);

      const deleted = await asA('DELETE', `/inhibition-rules/${created.body.id}`);
      expect(deleted.status).toBe(204);
      await waitForConfigGone(fleet, key);
      expect(await asA('GET', `/inhibition-rules/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await asA('DELETE', `/inhibition-rules/${created.body.id}`)).status).toBe(404);
    });

    it("keeps one team out of another's rules", async () => {
      const created = await asA<{ id: string }>('POST', '/inhibition-rules', ruleBody());
      expect(await asB('GET', `/inhibition-rules/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await asB('DELETE', `/inhibition-rules/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await asB<{ items: unknown[] }>('GET', '/inhibition-rules')).body.items).toEqual([]);
      expect((await asA('GET', `/inhibition-rules/${created.body.id}`)).status).toBe(200);
    });

    it('names a bad source or target matcher and its position', async () => {
      const bad = await asA<ErrorAnswer>('POST', '/inhibition-rules', ruleBody({ sourceMatchers: ['severity=="critical"'], targetMatchers: ['a="1"', 'b=~"["'] }));
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(bad.body.details!.map((detail) => detail.path)).toEqual(['sourceMatchers.0', 'targetMatchers.1']);
      expect(bad.body.details!.every((detail) => typeof detail.position === 'number')).toBe(true);

      const empty = await asA<ErrorAnswer>('POST', '/inhibition-rules', ruleBody({ targetMatchers: [] }));
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain('targetMatchers');
    });
  });

  describe('notification policies: rules, time intervals, replace and delete', () => {
    const policyBody = (fields: Record<string, unknown> = {}) => ({
      name: 'payments business hours',
      matchers: ['severity="critical"'],
      rules: [{ conditions: [{ label: 'team', operator: 'in', value: ['payments', 'billing'] }] }],
      objectIds: [objectA],
      muteTimeIntervals: [{ weekdays: ['saturday', 'sunday'] }],
      activeTimeIntervals: [{ times: [{ start: '09:00', end: '18:00' }], timezone: 'Asia/Shanghai' }],
      ...fields,
    });

    it('stores rules and time intervals, and publishes them to the router', async () => {
      const created = await asA<{ id: string }>('POST', '/notification-policies', policyBody());
      expect(created).toMatchObject({ status: 201, body: { rules: policyBody().rules, muteTimeIntervals: policyBody().muteTimeIntervals } });
      const event = await waitForConfigEvent(fleet, `policy/${created.body.id}`, (e) => e.type === 'policy.upserted');
      expect(event).toMatchObject({ policy: { teamId: teamA.id, rules: policyBody().rules, activeTimeIntervals: policyBody().activeTimeIntervals } });
      expect(await asA('GET', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 200, body: policyBody() });
    });

    it('answers null for rules and time intervals a policy does not have', async () => {
      const created = await asA('POST', '/notification-policies', { name: 'plain', objectIds: [objectA] });
      expect(created).toMatchObject({ status: 201, body: { rules: null, muteTimeIntervals: null, activeTimeIntervals: null } });
    });

    it('names the condition of a bad rule', async () => {
      const rules = [{ conditions: [{ label: 'team', operator: 'equal', value: 'payments' }, { label: 'env', operator: 'regex', value: '(prod' }] }];
      const bad = await asA<ErrorAnswer>('POST', '/notification-policies', policyBody({ rules }));
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(bad.body.details).toEqual([{ path: 'rules[0].conditions[1].value', message: expect.stringContaining('regular expression') }]);
    });

    it('names the field of a bad time interval', async () => {
      const bad = await asA<ErrorAnswer>('POST', '/notification-policies', policyBody({ muteTimeIntervals: [{ weekdays: ['monday', 'funday'] }] }));
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(bad.body.details!.map((detail) => detail.path)).toEqual(['muteTimeIntervals[0].weekdays[1]']);

      const badZone = await asA<ErrorAnswer>('POST', '/notification-policies', policyBody({ activeTimeIntervals: [{ timezone: 'Mars/Olympus' }] }));
      expect(badZone.status).toBe(400);
      expect(badZone.body.message).toContain('activeTimeIntervals.0.timezone');
    });

    it('replaces a policy with PUT, keeping its creation time', async () => {
      const created = await asA<{ id: string; createdAt: string; updatedAt: string }>('POST', '/notification-policies', policyBody());
      const replaced = await asA<{ createdAt: string; updatedAt: string }>('PUT', `/notification-policies/${created.body.id}`, {
        name: 'payments always',
        matchers: ['team="payments"'],
        objectIds: [objectA],
        groupWait: '10s',
      });
      expect(replaced).toMatchObject({
        status: 200,
        body: { id: created.body.id, name: 'payments always', rules: null, muteTimeIntervals: null, groupWait: '10s', createdAt: created.body.createdAt },
      });
      expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
      expect(await asA('GET', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 200, body: { name: 'payments always', rules: null } });
      const event = await waitForConfigEvent(fleet, `policy/${created.body.id}`, (e) => e.type === 'policy.upserted' && e.policy.name === 'payments always');
      expect(event).toMatchObject({ policy: { matchers: ['team="payments"'], groupWait: '10s' } });
      expect(event).not.toHaveProperty('policy.rules');

      const bad = await asA<ErrorAnswer>('PUT', `/notification-policies/${created.body.id}`, policyBody({ matchers: ['=x'] }));
      expect(bad).toMatchObject({ status: 400, body: { details: [{ path: 'matchers.0', position: expect.any(Number) }] } });
      expect((await asA('PUT', '/notification-policies/npol_0000000000000000', policyBody())).status).toBe(404);
    });

    it('deletes a policy and publishes its deletion', async () => {
      const created = await asA<{ id: string }>('POST', '/notification-policies', policyBody());
      await waitForConfig(fleet, 'policy-router', `policy/${created.body.id}`);
      expect((await asA('DELETE', `/notification-policies/${created.body.id}`)).status).toBe(204);
      await waitForConfigGone(fleet, `policy/${created.body.id}`);
      expect(await asA('GET', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await asA('DELETE', `/notification-policies/${created.body.id}`)).status).toBe(404);
    });

    it("keeps one team out of another's policies", async () => {
      const created = await asA<{ id: string }>('POST', '/notification-policies', policyBody());
      expect(await asB('GET', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      // Team B's body names team B's nothing: still the policy is not found, not judged.
      const put = await asB('PUT', `/notification-policies/${created.body.id}`, { name: 'hijack', objectIds: ['nobj_x'] });
      expect(put).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await asB('DELETE', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await asA('GET', `/notification-policies/${created.body.id}`)).toMatchObject({ status: 200, body: { name: policyBody().name } });
    });
  });

  describe('alerts (written by the policy-router; seeded here in its collections)', () => {
    const fingerprint = `fp${randomBytes(7).toString('hex')}`;

    beforeAll(async () => {
      const base = { teamId: teamA.id, annotations: [], source: 'alertmanager', lastEventId: 'evt_seed', lastReceivedAt: new Date(), groupKeys: [] };
      await collection('alert_states').insertMany([
        {
          ...base,
          _id: `${teamA.id}/${fingerprint}`,
          fingerprint,
          status: 'firing',
          labels: [
            { name: 'alertname', value: 'HighCPU' },
            { name: 'k8s.namespace', value: 'payments' },
          ],
          annotations: [{ name: 'summary', value: 'CPU above 90%' }],
          startsAt: new Date(Date.now() - 120_000),
          endsAt: null,
          generatorURL: 'http://prometheus:9090/graph',
        },
        // Firing, but its endsAt passed without a resolved message: resolved by that timeout.
        { ...base, _id: `${teamA.id}/timedout`, fingerprint: 'timedout', status: 'firing', labels: [], startsAt: new Date(Date.now() - 600_000), endsAt: new Date(Date.now() - 60_000) },
        { ...base, _id: `${teamA.id}/resolved`, fingerprint: 'resolved', status: 'resolved', labels: [], startsAt: new Date(Date.now() - 900_000), endsAt: new Date(Date.now() - 300_000) },
      ]);
      await collection('alert_history').insertMany([
        { _id: `seed-firing-${fingerprint}`, teamId: teamA.id, fingerprint, at: new Date(Date.now() - 120_000), kind: 'firing' },
        { _id: `seed-notified-${fingerprint}`, teamId: teamA.id, fingerprint, at: new Date(Date.now() - 60_000), kind: 'notified', policyId: 'npol_1', groupKey: 'g1', objectIds: [objectA], detail: 'firing' },
      ]);
    });

    it('lists alerts by state, with the total', async () => {
      const all = await asA<{ items: { fingerprint: string; state: string }[]; total: number }>('GET', '/alerts');
      expect(all.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
      expect(all.body.items.map((alert) => [alert.fingerprint, alert.state])).toEqual([
        [fingerprint, 'firing'],
        ['timedout', 'resolved'],
        ['resolved', 'resolved'],
      ]);
      const firing = await asA<{ items: { fingerprint: string }[]; total: number }>('GET', '/alerts?state=firing');
      expect(firing.body.total).toBe(1);
      expect(firing.body.items.map((alert) => alert.fingerprint)).toEqual([fingerprint]);
      const resolved = await asA<{ items: { fingerprint: string }[]; total: number }>('GET', '/alerts?state=resolved&limit=1&offset=1');
      expect(resolved.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(resolved.body.items.map((alert) => alert.fingerprint)).toEqual(['resolved']);
    });

    it('shows one alert with plain-object labels and its history, newest first', async () => {
      const one = await asA('GET', `/alerts/${fingerprint}`);
      expect(one).toMatchObject({
        status: 200,
        body: {
          fingerprint,
          state: 'firing',
          labels: { alertname: 'HighCPU', 'k8s.namespace': 'payments' },
          annotations: { summary: 'CPU above 90%' },
          endsAt: null,
          generatorURL: 'http://prometheus:9090/graph',
          history: [
            { kind: 'notified', policyId: 'npol_1', groupKey: 'g1', objectIds: [objectA], detail: 'firing' },
            { kind: 'firing', at: expect.any(String) },
          ],
        },
      });
    });

    it("keeps one team out of another's alerts", async () => {
      expect(await asB('GET', `/alerts/${fingerprint}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await asB('GET', '/alerts')).body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
      expect(await asA('GET', '/alerts/unknown-fingerprint')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it('names a bad state or paging value', async () => {
      const badState = await asA<ErrorAnswer>('GET', '/alerts?state=burning');
      expect(badState).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(badState.body.message).toContain('state');
      const badLimit = await asA<ErrorAnswer>('GET', '/alerts?limit=1000');
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.message).toContain('limit');
    });
  });

  it("deletes a team's silences, inhibition rules and alert states with the team", async () => {
    const doomed = await requestJson<TeamAnswer>('POST', api('/teams'), { token: fleet.adminToken, body: { name: 'doomed-routing' } });
    const as = (path: string, body: unknown) => requestJson<{ id: string }>('POST', api(path), { token: doomed.body.apiToken, body });
    const silence = await as('/silences', { matchers: ['a="1"'], endsAt: minutes(60), comment: 'c', createdBy: 'me' });
    const rule = await as('/inhibition-rules', { name: 'r', sourceMatchers: ['a="1"'], targetMatchers: ['b="2"'] });
    await waitForConfig(fleet, 'policy-router', `silence/${silence.body.id}`);
    await collection('alert_states').insertOne({ _id: `${doomed.body.id}/fp`, teamId: doomed.body.id, fingerprint: 'fp', status: 'firing' });
    await collection('alert_history').insertOne({ _id: `seed-${doomed.body.id}`, teamId: doomed.body.id, fingerprint: 'fp', kind: 'firing' });

    expect((await requestJson('DELETE', api(`/teams/${doomed.body.id}`), { token: fleet.adminToken })).status).toBe(204);
    // Configuration rows stay as tombstones until their delete is published (the config outbox).
    for (const name of ['silences', 'inhibition_rules']) {
      expect([name, await collection(name).countDocuments({ teamId: doomed.body.id, deletedAt: { $exists: false } })]).toEqual([name, 0]);
    }
    for (const name of ['alert_states', 'alert_history']) {
      expect([name, await collection(name).countDocuments({ teamId: doomed.body.id })]).toEqual([name, 0]);
    }
    await waitForConfigGone(fleet, `silence/${silence.body.id}`);
    await waitForConfigGone(fleet, `inhibition-rule/${rule.body.id}`);
  });
});

/** Waits until the router no longer holds `key` (a deletion reached it). */
function waitForConfigGone(fleet: Fleet, key: string): Promise<true> {
  return waitFor(`policy-router to drop ${key}`, async () => {
    const answer = await requestJson<{ present: boolean }>('GET', `${fleet.internalUrl['policy-router']}/internal/config?key=${encodeURIComponent(key)}`);
    return answer.body.present === false || undefined;
  });
}

/**
 * Reads the config topic from its start until an event under `key` satisfies `wanted`: the
 * router's `/internal/config` only says whether a key is known, not what it holds.
 */
async function waitForConfigEvent(fleet: Fleet, key: string, wanted: (event: ConfigEvent) => boolean): Promise<ConfigEvent> {
  const kafka = new Kafka({ clientId: 'e2e-config-reader', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `e2e-config-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  let found: ConfigEvent | undefined;
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.config, fromBeginning: true });
  try {
    // Batch at a time: the shared topic holds every earlier test's configuration, read from its start.
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (found || message.key?.toString() !== key || !message.value) continue;
          const event = configEventSchema.parse(JSON.parse(message.value.toString()));
          if (wanted(event)) found = event;
        }
      },
    });
    return await waitFor(`a config event under ${key}`, async () => found, 30_000);
  } finally {
    await consumer.disconnect();
  }
}
