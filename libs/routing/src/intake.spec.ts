import {
  alertEventSchema,
  DEFAULT_ALERT_REQUEST_LIMITS,
  alertmanagerWebhookSchema,
  alertmanagerWebhookSchemaWith,
  fastAlertmanagerWebhook,
  fastAlertmanagerWebhookWith,
  fastPrometheusAlerts,
  fastPrometheusAlertsWith,
  prometheusAlertsSchema,
  prometheusAlertsSchemaWith,
  toLabelPairs,
  type AlertEvent,
} from '@alertlark/contracts';
import { alertEventsFromPrometheus, alertEventsFromWebhook } from './intake';

const now = new Date('2026-11-24T10:00:00Z');
const context = { teamId: 'team-1', now, newEventId: () => 'event-1' };

describe('alertEventsFromWebhook', () => {
  it('turns each alert into an event with sorted label pairs and its own status', () => {
    const [event] = alertEventsFromWebhook(context, {
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'resolved',
          labels: { severity: 'critical', alertname: 'HighCPU', 'k8s.pod': 'api-1' },
          annotations: { summary: 'CPU above 90%' },
          startsAt: '2026-11-24T09:00:00Z',
          endsAt: '2026-11-24T09:55:00Z',
          generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
        },
      ],
    });
    expect(event).toEqual({
      eventId: 'event-1',
      teamId: 'team-1',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      status: 'resolved',
      labels: [
        { name: 'alertname', value: 'HighCPU' },
        { name: 'k8s.pod', value: 'api-1' },
        { name: 'severity', value: 'critical' },
      ],
      annotations: [{ name: 'summary', value: 'CPU above 90%' }],
      startsAt: '2026-11-24T09:00:00.000Z',
      endsAt: '2026-11-24T09:55:00.000Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      source: 'alertmanager',
      receivedAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it("drops Alertmanager's zero endsAt", () => {
    const [event] = alertEventsFromWebhook(context, {
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'A' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z', endsAt: '0001-01-01T00:00:00Z' }],
    });
    expect(event?.endsAt).toBeUndefined();
  });
});

describe('alertEventsFromPrometheus', () => {
  it('is firing while endsAt is ahead and resolved once it is past', () => {
    const events = alertEventsFromPrometheus(context, [
      { labels: { alertname: 'A' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z', endsAt: '2026-11-24T10:04:00Z' },
      { labels: { alertname: 'A' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z', endsAt: '2026-11-24T09:59:00Z' },
      { labels: { alertname: 'B' }, annotations: {} },
    ]);
    expect(events.map((event) => event.status)).toEqual(['firing', 'resolved', 'firing']);
    expect(events[2]?.startsAt).toBe(now.toISOString());
  });

  it("treats Alertmanager's zero endsAt as not ended, from Prometheus too", () => {
    const [event] = alertEventsFromPrometheus(context, [{ labels: { a: '1' }, annotations: {}, endsAt: '0001-01-01T00:00:00Z' }]);
    expect(event).toMatchObject({ status: 'firing' });
    expect(event?.endsAt).toBeUndefined();
  });

  it('gives the same alert the same fingerprint from either source', () => {
    const [fromPrometheus] = alertEventsFromPrometheus(context, [{ labels: { b: '2', a: '1' }, annotations: {} }]);
    const [fromWebhook] = alertEventsFromWebhook(context, {
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { a: '1', b: '2' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z' }],
    });
    expect(fromPrometheus?.fingerprint).toBe(fromWebhook?.fingerprint);
  });
});

/**
 * Ingest validates a request once, against its request schema, and sends the events made of it
 * without parsing them again. That is safe only if every request the schema accepts becomes events
 * the event contract accepts, unchanged by parsing (same bytes on the wire): checked here on the
 * edge cases and on generated requests mixing them.
 */
describe('the request schemas imply the event contract', () => {
  const contractHolds = (events: AlertEvent[]) => {
    for (const event of events) {
      const parsed = alertEventSchema.safeParse(event);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(event));
    }
  };
  const webhookOf = (alert: Record<string, unknown>) => ({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { a: '1' }, startsAt: '2026-11-24T09:00:00Z', ...alert }] });

  const issuePaths = (outcome: { error?: { issues: { path: PropertyKey[] }[] } }) => outcome.error?.issues.map((issue) => issue.path.join('.'));

  it.each([
    ['year 0001 at +01:00 (year 0 in UTC)', '0001-01-01T00:30:00+01:00'],
    ['year 0000', '0000-06-01T00:00:00Z'],
    ['year 9999 at -01:00 (year 10000 in UTC)', '9999-12-31T23:30:00-01:00'],
    ['a year of six digits', '+275760-09-13T00:00:00Z'],
    ['a negative year', '-000001-01-01T00:00:00Z'],
    ['no time at all', 'soon'],
    ['an empty string', ''],
  ])('refuses a startsAt or endsAt in %s, naming the field', (_case, at) => {
    expect(issuePaths(alertmanagerWebhookSchema.safeParse(webhookOf({ startsAt: at, endsAt: at })))).toEqual(['alerts.0.startsAt', 'alerts.0.endsAt']);
    expect(issuePaths(prometheusAlertsSchema.safeParse([{ labels: { a: '1' }, startsAt: at, endsAt: at }]))).toEqual(['0.startsAt', '0.endsAt']);
  });

  it('accepts the first and last instants an event can carry', () => {
    const webhook = alertmanagerWebhookSchema.parse(webhookOf({ startsAt: '0001-01-01T00:00:00.001Z', endsAt: '9999-12-31T23:59:59.999Z' }));
    const [event] = alertEventsFromWebhook(context, webhook);
    expect(event).toMatchObject({ startsAt: '0001-01-01T00:00:00.001Z', endsAt: '9999-12-31T23:59:59.999Z' });
    contractHolds([event!]);
  });

  it('refuses empty label and annotation names, which the contract refuses', () => {
    expect(issuePaths(alertmanagerWebhookSchema.safeParse(webhookOf({ labels: { '': 'x' } })))).toEqual(['alerts.0.labels']);
    expect(issuePaths(prometheusAlertsSchema.safeParse([{ labels: { a: '1' }, annotations: { '': 'x' } }]))).toEqual(['0.annotations']);
  });

  it('refuses a label name or value that is not valid UTF-8 (a lone surrogate)', () => {
    const outcome = prometheusAlertsSchema.safeParse([{ labels: { a: '1', 'b\uD83D': '2' } }, { labels: { a: '\uDE00' } }]);
    expect(issuePaths(outcome)).toEqual(['0.labels', '1.labels.a']);
    expect(outcome.error?.issues[0]?.message).toMatch(/label name "b.*" is not valid UTF-8/);
    // A surrogate pair is one character, and valid.
    expect(prometheusAlertsSchema.safeParse([{ labels: { '😀': '😀' } }]).success).toBe(true);
  });

  it('holds for generated requests built from edge values', () => {
    let accepted = 0;
    let refused = 0;
    for (const body of generatedBodies(20261125, 3000, false)) {
      const webhook = alertmanagerWebhookSchema.safeParse(JSON.parse(body.webhook));
      const prometheus = prometheusAlertsSchema.safeParse(JSON.parse(body.prometheus));
      for (const outcome of [webhook, prometheus]) {
        if (outcome.success) accepted += 1;
        else refused += 1;
      }
      if (webhook.success) {
        const events = alertEventsFromWebhook(context, webhook.data);
        contractHolds(events);
        expect(events.map((event) => [event.labels, event.annotations])).toEqual(webhook.data.alerts.map((each) => [toLabelPairs(each.labels), toLabelPairs(each.annotations)]));
      }
      if (prometheus.success) contractHolds(alertEventsFromPrometheus(context, prometheus.data));
    }
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });
});

describe('the request limits', () => {
  const limits = { maxAlerts: 3, maxLabels: 2, maxLabelBytes: 8, maxAnnotationBytes: 12 };
  const webhookSchema = alertmanagerWebhookSchemaWith(limits);
  const prometheusSchema = prometheusAlertsSchemaWith(limits);
  const messages = (outcome: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) => outcome.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  it('takes a request at every limit', () => {
    const alerts = Array.from({ length: 3 }, () => ({ labels: { a: '123456é', '123456é': 'b' }, annotations: { summary: '12345', d: '12345678901' } }));
    expect(prometheusSchema.safeParse(alerts).success).toBe(true);
    expect(fastPrometheusAlertsWith(limits)(JSON.parse(JSON.stringify(alerts)))).toBeDefined();
  });

  it.each([
    ['too many alerts', Array.from({ length: 4 }, () => ({ labels: { a: '1' } })), ': more than 3 alerts in one request'],
    ['too many labels', [{ labels: { a: '1', b: '2', c: '3' } }], '0.labels: 3 labels, over the limit of 2'],
    ['a label name of too many bytes', [{ labels: { '12345678é': '1' } }], '0.labels: label name "12345678é" takes 10 bytes, over the limit of 8'],
    ['a label value of too many bytes', [{ labels: { a: '1234567éé' } }], '0.labels.a: label value takes 11 bytes, over the limit of 8'],
    ['an annotation of too many bytes', [{ labels: { a: '1' }, annotations: { summary: 'éééé' } }], '0.annotations.summary: annotation takes 15 bytes (name and value), over the limit of 12'],
  ])('refuses %s, naming it and the limit; the quick check leaves it to the schema', (_case, body, message) => {
    expect(messages(prometheusSchema.safeParse(body))).toEqual([message]);
    expect(fastPrometheusAlertsWith(limits)(body)).toBeUndefined();
    const webhook = { version: '4', status: 'firing', alerts: body.map((alert) => ({ status: 'firing', startsAt: '2026-11-24T09:00:00Z', ...alert })) };
    expect(messages(webhookSchema.safeParse(webhook))).toEqual([message.startsWith(':') ? `alerts${message}` : `alerts.${message}`]);
    expect(fastAlertmanagerWebhookWith(limits)(webhook)).toBeUndefined();
  });

  it('defaults to 10,000 alerts, 128 labels, 2 KB per label name or value and 16 KB per annotation', () => {
    expect(DEFAULT_ALERT_REQUEST_LIMITS).toEqual({ maxAlerts: 10_000, maxLabels: 128, maxLabelBytes: 2048, maxAnnotationBytes: 16_384 });
    const labels = Object.fromEntries(Array.from({ length: 128 }, (_, index) => [`l${index}`, 'v'.repeat(2048)]));
    expect(prometheusAlertsSchema.safeParse([{ labels, annotations: { d: 'x'.repeat(16_383) } }]).success).toBe(true);
    expect(prometheusAlertsSchema.safeParse([{ labels: { ...labels, one: 'more' } }]).success).toBe(false);
    expect(prometheusAlertsSchema.safeParse([{ labels: { a: 'v'.repeat(2049) } }]).success).toBe(false);
    expect(prometheusAlertsSchema.safeParse([{ labels: { a: '1' }, annotations: { d: 'x'.repeat(16_384) } }]).success).toBe(false);
  });
});

/**
 * Ingest checks bodies without zod first (`fastPrometheusAlerts`, `fastAlertmanagerWebhook`) and asks
 * the schema only when that says no. Safe only if the quick check never takes what the schema
 * refuses, and gives back what the schema would.
 */
describe('the quick request checks agree with the schemas', () => {
  const cases: [string, (value: unknown) => unknown, { safeParse(value: unknown): { success: boolean; data?: unknown } }, 'webhook' | 'prometheus'][] = [
    ['fastPrometheusAlerts', fastPrometheusAlerts, prometheusAlertsSchema, 'prometheus'],
    ['fastAlertmanagerWebhook', fastAlertmanagerWebhook, alertmanagerWebhookSchema, 'webhook'],
  ];

  it.each(cases)('%s takes only what its schema takes, and gives back what the schema would', (_name, fast, schema, kind) => {
    let taken = 0;
    let valid = 0;
    for (const body of generatedBodies(7, 3000, true)) {
      const text = body[kind];
      const parsed = schema.safeParse(JSON.parse(text));
      const quick = fast(JSON.parse(text));
      if (parsed.success) valid += 1;
      if (quick === undefined) continue;
      taken += 1;
      expect(parsed.success).toBe(true);
      expect(quick).toStrictEqual(parsed.data);
    }
    // Not vacuous: most valid bodies take the quick path, and many bodies are not valid.
    expect(taken).toBeGreaterThan(valid * 0.6);
    expect(valid).toBeLessThan(2500);
  });

  it.each([
    ['not an array', { labels: { a: '1' } }],
    ['too many alerts', Array.from({ length: 10_001 }, () => ({ labels: { a: '1' } }))],
    ['no labels', [{ labels: {} }]],
    ['a __proto__ label (zod drops it)', JSON.parse('[{"labels":{"__proto__":"x","a":"1"}}]')],
    ['an unknown key (zod strips it)', [{ labels: { a: '1' }, status: 'firing' }]],
    ['a number as a label value', [{ labels: { a: 1 } }]],
    ['null annotations', [{ labels: { a: '1' }, annotations: null }]],
    ['an instant past year 9999 in UTC', [{ labels: { a: '1' }, endsAt: '9999-12-31T23:30:00-01:00' }]],
  ])('leaves to the schema: %s', (_case, body) => {
    expect(fastPrometheusAlerts(body)).toBeUndefined();
  });

  it('fills in the annotations default, as the schema does, and leaves a refused body as it came', () => {
    expect(fastPrometheusAlerts([{ labels: { a: '1' } }])).toStrictEqual([{ labels: { a: '1' }, annotations: {} }]);
    const refused = [{ labels: { a: '1' } }, { labels: { b: 2 } }];
    expect(fastPrometheusAlerts(refused)).toBeUndefined();
    expect(refused[0]).toStrictEqual({ labels: { a: '1' } });
  });
});

/**
 * Request bodies as JSON text (`__proto__` stays an own key, as in a request), built from ordinary
 * values mostly and edge values often enough; with `wrongTypes`, also values of the wrong type and
 * unknown keys.
 */
function generatedBodies(seed: number, count: number, wrongTypes: boolean): { webhook: string; prometheus: string }[] {
  const random = seeded(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const often = <T>(usual: readonly T[], edge: readonly T[]): T => (random() < 0.85 ? pick(usual) : pick(edge));
  const odd = (): unknown => pick([1, null, true, {}, [], 'x']);
  const wrong = () => wrongTypes && random() < 0.03;
  const name = () => often(['alertname', 'instance', 'job', 'k8s.pod', '日本'], ['', 'with space', '__name__', '__proto__', 'constructor', 'toString', '\u0000', '\uD83D', 'x'.repeat(300), 'n'.repeat(2049)]);
  const value = (): unknown => (wrong() ? odd() : often(['web-1', 'critical', 'é', ''], ['e\u0301', '\uD83D', '\n', '"quoted"', 'y'.repeat(2000), 'é'.repeat(1025)]));
  const instant = (): unknown =>
    wrong()
      ? odd()
      : often(
          ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.123456789Z', '2026-11-24T10:00:00-00:00', '2024-02-29T00:00:00+14:00', '0001-01-01T00:00:00.001Z', '9999-12-31T23:59:59.999Z', undefined],
          ['0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00', '2026-02-29T00:00:00Z', '2026-11-24T10:00:00', '2026-11-24', 'Tue, 24 Nov 2026 10:00:00 GMT', '+275760-09-13T00:00:00Z', '0001-01-01T00:00:00Z', 'not a time', ''],
        );
  const map = (least: number): unknown => (wrong() ? odd() : Object.fromEntries(Array.from({ length: least + Math.floor(random() * 4) }, () => [name(), value()])));
  const alert = () => {
    const fields: Record<string, unknown> = { labels: map(random() < 0.97 ? 1 : 0) };
    if (random() < 0.8) fields.annotations = map(0);
    for (const key of ['startsAt', 'endsAt']) {
      const at = instant();
      if (at !== undefined) fields[key] = at;
    }
    const url = wrong() ? odd() : pick([undefined, '', 'http://p:9090/graph']);
    if (url !== undefined) fields.generatorURL = url;
    if (wrong()) fields[pick(['extra', 'status', 'fingerprint'])] = pick(['firing', 'x', 1]);
    return fields;
  };
  return Array.from({ length: count }, () => {
    const alerts = Array.from({ length: 1 + Math.floor(random() * 2) }, alert);
    const envelope: Record<string, unknown> = { version: '4', status: 'firing', receiver: 'alertlark', groupLabels: { alertname: 'A' } };
    if (wrong()) envelope[pick(['version', 'truncatedAlerts', 'receiver', 'extra', 'commonLabels'])] = odd();
    const webhookAlerts = alerts.map((each) => ({ status: wrong() ? odd() : pick(['firing', 'resolved']), ...each }));
    return { webhook: JSON.stringify({ ...envelope, alerts: webhookAlerts }), prometheus: JSON.stringify(alerts) };
  });
}

/** A small deterministic PRNG (mulberry32), so a failure repeats. */
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
