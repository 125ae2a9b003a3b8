import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, type AlertEvent, type NotificationEvent } from '@alertlark/contracts';
import { ensureTopics } from '@alertlark/kafka';
import { WORKSPACE_ROOT, requestJson } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

const label = (event: AlertEvent, name: string) => event.labels.find((pair) => pair.name === name)?.value;

describe('ingest answers whatever a client sends with 2xx or a 4xx naming the problem', () => {
  let fleet: Fleet;
  let team: { id: string; ingestToken: string };
  let alerts: TopicRecorder<AlertEvent>;
  const run = randomBytes(3).toString('hex');

  const post = (endpoint: 'webhook' | 'prometheus', body: unknown, token = team.ingestToken) =>
    requestJson<{ error?: string; message?: string; accepted?: number }>('POST', `${fleet.url.ingest}${endpoint === 'webhook' ? '/api/v1/alerts/alertmanager' : '/api/v2/alerts'}`, { token, body });
  const webhookOf = (alert: Record<string, unknown>) => ({
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: `Bad_${run}` }, annotations: {}, startsAt: '2026-11-24T09:00:00Z', ...alert }],
  });

  beforeAll(async () => {
    // Large enough for the 10,000-alert request below; the default (5mb) stays what operators get.
    fleet = await startFleet(10100, { INGEST_MAX_BODY: '64mb' });
    team = await fleet.createTeam(`ingest-input-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    alerts = await recordTopic<AlertEvent>(fleet, TOPICS.alerts, (event) => event.teamId === team.id);
  });

  afterAll(async () => {
    await alerts?.stop();
    await fleet?.stop();
  });

  it('answers 400 naming alerts.N.field for bad names, timestamps and values over the limits, on both endpoints', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an empty label name', { labels: { '': 'x' } }, /^alerts\.0\.labels: a label name must not be empty/],
      ['a label name that is not UTF-8', { labels: { alertname: 'A', 'bad\uD800': 'x' } }, /^alerts\.0\.labels: label name ".*" is not valid UTF-8/],
      ['an endsAt in year 20000', { endsAt: '20000-01-01T00:00:00Z' }, /^alerts\.0\.endsAt: /],
      ['an endsAt past what a Date holds', { endsAt: '+275760-09-13T00:00:01Z' }, /^alerts\.0\.endsAt: /],
      ['a startsAt in year 0000', { startsAt: '0000-01-01T00:00:00Z' }, /^alerts\.0\.startsAt: must be an RFC 3339 timestamp within the years 0001–9999/],
      ['an endsAt that is no time', { endsAt: 'tomorrow' }, /^alerts\.0\.endsAt: /],
      ['129 labels', { labels: Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`l${index}`, 'v'])) }, /^alerts\.0\.labels: 129 labels, over the limit of 128/],
      ['a label value of 2049 bytes', { labels: { alertname: 'v'.repeat(2049) } }, /^alerts\.0\.labels\.alertname: label value takes 2049 bytes, over the limit of 2048/],
      ['an annotation of 16 KB and more', { annotations: { d: 'x'.repeat(16_384) } }, /^alerts\.0\.annotations\.d: annotation takes 16385 bytes/],
    ];
    for (const [name, alert, message] of cases) {
      for (const endpoint of ['webhook', 'prometheus'] as const) {
        const body = endpoint === 'webhook' ? webhookOf(alert) : webhookOf(alert).alerts.map(({ status: _status, ...rest }) => rest);
        const answer = await post(endpoint, body);
        expect({ name, endpoint, status: answer.status, error: answer.body.error }).toEqual({ name, endpoint, status: 400, error: 'validation_failed' });
        expect(answer.body.message).toMatch(message);
      }
    }
    const tooMany = await post('prometheus', Array.from({ length: 10_001 }, (_, index) => ({ labels: { alertname: `Bad_${run}`, n: String(index) } })));
    expect(tooMany).toMatchObject({ status: 400, body: { message: 'alerts: more than 10000 alerts in one request' } });

    // Within every limit, but larger than one Kafka message holds: 413 naming it, not a 500.
    const huge = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`a${index}`, 'x'.repeat(16_000)]));
    const tooLarge = await post('prometheus', [{ labels: { alertname: `Bad_${run}` } }, { labels: { alertname: `Bad_${run}`, n: '1' }, annotations: huge }]);
    expect(tooLarge).toMatchObject({ status: 413, body: { error: 'payload_too_large', message: expect.stringMatching(/^alerts\.1: .* one Kafka message holds/) } });
  });

  it('takes 10,000 alerts with large annotations in one request, over many produce requests, each alert on the topic once', async () => {
    const description = 'd'.repeat(2_000);
    const body = Array.from({ length: 10_000 }, (_, index) => ({ labels: { alertname: `Big_${run}`, n: String(index) }, annotations: { description } }));
    const answer = await post('prometheus', body);
    expect(answer).toEqual({ status: 200, body: { accepted: 10_000 } });

    // Acknowledged means all of it is on the topic already; a moment more shows nothing comes twice.
    await alerts.until('10,000 alerts', (values) => values.length >= 10_000, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const events = alerts.values();
    expect(events).toHaveLength(10_000);
    expect(new Set(events.map((event) => event.fingerprint)).size).toBe(10_000);
    expect(new Set(events.map((event) => label(event, 'n'))).size).toBe(10_000);
    // None of the refused requests above published anything.
    expect(events.every((event) => label(event, 'alertname') === `Big_${run}`)).toBe(true);
  });

  it("a retry of a request written in part before its 503 doubles no alert's effect: each alert notified once, no further card", async () => {
    const retryTeam = await fleet.createTeam(`ingest-retry-${run}`);
    const botToken = `bot-${run}`;
    await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token: botToken } });
    const object = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
      token: retryTeam.apiToken,
      body: { name: 'oncall', webhookUrl: `${fleet.url.emulator}/open-apis/bot/v2/hook/${botToken}` },
    });
    const policy = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, {
      token: retryTeam.apiToken,
      body: { name: 'retried', matchers: [`alertname="Retry_${run}"`], objectIds: [object.body.id], groupWait: '1s', groupInterval: '2s' },
    });
    expect([object.status, policy.status]).toEqual([201, 201]);
    await waitForConfig(fleet, 'ingest', `team/${retryTeam.id}`);
    await waitForConfig(fleet, 'policy-router', `policy/${policy.body.id}`);
    await waitForConfig(fleet, 'lark-sender', `object/${object.body.id}`);
    const notifications = await recordTopic<NotificationEvent>(fleet, TOPICS.notifications, (notification) => notification.teamId === retryTeam.id);

    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const webhook = {
      version: '4',
      status: 'firing',
      alerts: ['a', 'b'].map((instance) => ({ status: 'firing', labels: { alertname: `Retry_${run}`, instance }, annotations: {}, startsAt })),
    };
    // What a first attempt wrote before its 503: its first produce request, alert a alone.
    expect((await post('webhook', { ...webhook, alerts: [webhook.alerts[0]] }, retryTeam.ingestToken)).status).toBe(202);
    // The client retries the whole request, and once more as if that answer were lost too.
    expect((await post('webhook', webhook, retryTeam.ingestToken)).status).toBe(202);
    expect((await post('webhook', webhook, retryTeam.ingestToken)).status).toBe(202);

    const firingBoth = (notification: NotificationEvent) => notification.totals?.firing === 2;
    await notifications.until('a notification of both alerts', (values) => values.some(firingBoth), 60_000);
    // Three group intervals: a doubled alert would show as a changed group and a further notification.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const seen = notifications.values();
    await notifications.stop();
    for (const notification of seen) {
      const fingerprints = notification.alerts.map((alert) => alert.fingerprint);
      expect(new Set(fingerprints).size).toBe(fingerprints.length);
      expect((notification.totals?.firing ?? 0) + (notification.totals?.resolved ?? 0)).toBeLessThanOrEqual(2);
    }
    expect(firingBoth(seen[seen.length - 1]!)).toBe(true);
    expect(seen.filter(firingBoth)).toHaveLength(1);
  }, 120_000);

  it('answers 10,000 random and mutated bodies with 2xx or 4xx, and keeps running', async () => {
    const fuzzTeam = await fleet.createTeam(`ingest-fuzz-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${fuzzTeam.id}`);
    const random = seeded(20261207);
    const outcomes = new Map<number, number>();
    const failures: string[] = [];
    // Made before any is sent, so the same seed makes the same requests whatever the answers' order.
    const requests = Array.from({ length: 10_000 }, (_, index) => fuzzRequest(random, run, fuzzTeam.ingestToken, index));
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const response = await fetch(`${fleet.url.ingest}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
        const text = await response.text();
        outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
        if (response.status < 200 || response.status >= 500) failures.push(`${response.status} ${text.slice(0, 200)} for ${request.describe}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    // Not vacuous: valid bodies were accepted and invalid ones refused, in numbers.
    expect((outcomes.get(200) ?? 0) + (outcomes.get(202) ?? 0)).toBeGreaterThan(1_000);
    expect(outcomes.get(400) ?? 0).toBeGreaterThan(1_000);
    expect((await fetch(`${fleet.url.ingest}/healthz`)).status).toBe(200);
    expect((await post('webhook', webhookOf({}), fuzzTeam.ingestToken)).status).toBe(202);
  }, 120_000);
});

describe('ingest with Kafka unreachable', () => {
  // A stack of its own, on this spec's ports: stopping it disturbs no other test.
  const stackEnv = {
    ALERTLARK_STACK_DIR: path.join(tmpdir(), `alertlark-ingest-outage-${randomBytes(3).toString('hex')}`),
    ALERTLARK_KAFKA_PORT: '10180',
    ALERTLARK_KAFKA_CONTROLLER_PORT: '10181',
    ALERTLARK_MONGO_PORT: '10182',
  };
  // Not execFileSync: a blocked event loop would leave the HTTP client a kept-alive socket that
  // ingest closed meanwhile (its keep-alive timeout), and the next request would fail on it.
  const stack = async (command: 'up' | 'down') => {
    // Without KAFKA_BROKERS and MONGO_URL, which would make stack.sh use those servers instead.
    const { KAFKA_BROKERS: _kafka, MONGO_URL: _mongo, ...env } = process.env;
    await promisify(execFile)('bash', [path.join(WORKSPACE_ROOT, 'tools/stack/stack.sh'), command], { cwd: WORKSPACE_ROOT, env: { ...env, ...stackEnv } });
  };
  let fleet: Fleet | undefined;

  afterAll(async () => {
    await fleet?.stop();
    await stack('down');
    rmSync(stackEnv.ALERTLARK_STACK_DIR, { recursive: true, force: true });
  });

  it('answers 503 within 5 s (under the webhook timeout of Alertmanager, 10 s) and is still up', async () => {
    await stack('up');
    // Topics made and led before the services start: on a broker this fresh, a console racing ingest
    // to create them has been seen to stop at boot ("This server does not host this topic-partition").
    await ensureTopics(new Kafka({ clientId: 'e2e-outage', brokers: ['127.0.0.1:10180'], logLevel: logLevel.NOTHING }));
    fleet = await startFleet(10150, { KAFKA_BROKERS: '127.0.0.1:10180', MONGO_URL: 'mongodb://127.0.0.1:10182/alertlark' }, { services: ['console', 'ingest'] });
    const team = await fleet.createTeam('outage');
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    const push = () => requestJson<{ error: string }>('POST', `${fleet!.url.ingest}/api/v2/alerts`, { token: team.ingestToken, body: [{ labels: { alertname: 'KafkaGone' } }] });
    expect((await push()).status).toBe(200);

    await stack('down');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const started = Date.now();
      const answer = await push();
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 503, error: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect((await fetch(`${fleet.url.ingest}/healthz`)).status).toBe(200);
  }, 180_000);
});

/** A request for the fuzz test: mostly JSON bodies made from valid ones by a few mutations, some random or broken text, odd headers now and then. */
function fuzzRequest(random: () => number, run: string, token: string, index: number): { path: string; headers: Record<string, string>; body: Buffer | string; describe: string } {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const webhook = random() < 0.5;
  const path = webhook ? '/api/v1/alerts/alertmanager' : '/api/v2/alerts';
  const alerts = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => ({
    labels: { alertname: `Fuzz_${run}`, n: `${index}.${n}`, severity: pick(['critical', 'warning']) },
    annotations: { summary: 'fuzzed' },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    ...(random() < 0.5 ? { endsAt: pick(['0001-01-01T00:00:00Z', new Date(Date.now() + 300_000).toISOString()]) } : {}),
  }));
  let value: unknown = webhook ? { version: '4', status: 'firing', receiver: 'fuzz', groupLabels: {}, alerts: alerts.map((alert) => ({ status: 'firing', ...alert })) } : alerts;
  const mutations = random() < 0.25 ? 0 : 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m += 1) value = mutate(value, random, pick);
  let body: Buffer | string = JSON.stringify(value) ?? '';
  let kind = `${mutations} mutations`;
  const text = random();
  if (text < 0.08) {
    body = body.slice(0, Math.floor(random() * body.length));
    kind = 'truncated';
  } else if (text < 0.12) {
    body = randomText(random, 1 + Math.floor(random() * 200));
    kind = 'random text';
  } else if (text < 0.13) {
    body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    kind = 'deeply nested';
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const odd = random();
  if (odd < 0.03) headers['content-type'] = pick(['text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', '']);
  else if (odd < 0.05) {
    headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'x-unknown']);
    if (random() < 0.5 && headers['content-encoding'] === 'gzip') body = gzipSync(body);
  }
  if (random() < 0.02) headers.authorization = pick(['', 'Bearer', `Bearer ${token}x`, `Basic ${token}`]);
  else headers.authorization = `Bearer ${token}`;
  return { path, headers, body, describe: `${path} ${kind} ${JSON.stringify(headers)} ${String(body).slice(0, 300)}` };
}

/** One mutation somewhere in `value`: a key removed, a value replaced by an odd one, a key added. */
function mutate(value: unknown, random: () => number, pick: <T>(values: readonly T[]) => T): unknown {
  if (value === null || typeof value !== 'object' || random() < 0.3) return oddValue(random, pick);
  const container = value as Record<string, unknown>;
  const keys = Object.keys(container);
  const action = random();
  if (action < 0.15 && keys.length > 0) {
    delete container[pick(keys)];
  } else if (action < 0.3) {
    container[Array.isArray(container) ? String(keys.length) : pick(['__proto__', 'constructor', 'extra', '', 'status', 'labels', 'endsAt', randomText(random, 8)])] = oddValue(random, pick);
  } else if (keys.length > 0) {
    const key = pick(keys);
    container[key] = mutate(container[key], random, pick);
  }
  return container;
}

function oddValue(random: () => number, pick: <T>(values: readonly T[]) => T): unknown {
  return pick<() => unknown>([
    () => null,
    () => pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2]),
    () => pick([true, false]),
    () => randomText(random, Math.floor(random() * 40)),
    () => 'x'.repeat(pick([2_049, 20_000])),
    () => pick(['', '0000-01-01T00:00:00Z', '20000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59.999-01:00', '2026-02-30T00:00:00Z', 'firing', 'resolved', '4']),
    () => [],
    () => ({}),
    () => ({ '': '' }),
    () => ({ ['\uD800']: 'x', a: '\uDFFF' }),
    () => Array.from({ length: 3 }, () => oddValue(random, pick)),
    () => Object.fromEntries(Array.from({ length: 200 }, (_, n) => [`l${n}`, 'v'])),
  ])();
}

/** Text from all over Unicode, lone surrogates and controls included. */
function randomText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const range = random();
    text += String.fromCharCode(range < 0.6 ? 32 + Math.floor(random() * 95) : range < 0.7 ? Math.floor(random() * 32) : range < 0.8 ? 0xd800 + Math.floor(random() * 0x800) : Math.floor(random() * 0xffff));
  }
  return text;
}

/** mulberry32, so a failure repeats with the same seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
