import { alertEventSchema, alertmanagerWebhookSchema, prometheusAlertsSchema, type AlertEvent } from '@alertlark/contracts';
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

  it.each([
    ['year 0000 at +01:00 (year -1 in UTC)', '0000-01-01T00:30:00+01:00'],
    ['year 9999 at -01:00 (year 10000 in UTC)', '9999-12-31T23:30:00-01:00'],
  ])('refuses a startsAt in %s with a 400 naming it', (_case, startsAt) => {
    const webhook = alertmanagerWebhookSchema.safeParse(webhookOf({ startsAt }));
    expect(webhook.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['alerts.0.startsAt']);
    const prometheus = prometheusAlertsSchema.safeParse([{ labels: { a: '1' }, startsAt, endsAt: startsAt }]);
    expect(prometheus.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['0.startsAt', '0.endsAt']);
  });

  it('accepts the first and last instants an event can carry', () => {
    const webhook = alertmanagerWebhookSchema.parse(webhookOf({ startsAt: '0000-01-01T00:00:00Z', endsAt: '9999-12-31T23:59:59.999Z' }));
    const [event] = alertEventsFromWebhook(context, webhook);
    expect(event).toMatchObject({ startsAt: '0000-01-01T00:00:00.000Z', endsAt: '9999-12-31T23:59:59.999Z' });
    contractHolds([event!]);
  });

  it.each(['+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', 'soon', '0001-01-01T00:00:00Z'])('drops a webhook endsAt no event can carry: %s', (endsAt) => {
    const [event] = alertEventsFromWebhook(context, alertmanagerWebhookSchema.parse(webhookOf({ endsAt })));
    expect(event?.endsAt).toBeUndefined();
    contractHolds([event!]);
  });

  it('refuses empty label and annotation names, which the contract refuses', () => {
    expect(alertmanagerWebhookSchema.safeParse(webhookOf({ labels: { '': 'x' } })).success).toBe(false);
    expect(prometheusAlertsSchema.safeParse([{ labels: { a: '1' }, annotations: { '': 'x' } }]).success).toBe(false);
  });

  it('holds for generated requests built from edge values', () => {
    const random = seeded(20261125);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    // Mostly ordinary values, so most requests pass and the claim is tested on many; edge values often enough to matter.
    const often = <T>(usual: readonly T[], edge: readonly T[]): T => (random() < 0.85 ? pick(usual) : pick(edge));
    const name = () => often(['alertname', 'instance', 'job', 'k8s.pod', '日本'], ['', 'with space', '__name__', '__proto__', 'constructor', '\u0000', '\uD83D', 'x'.repeat(300)]);
    const value = () => often(['web-1', 'critical', 'é', ''], ['e\u0301', '\uD83D', '\n', '"quoted"', 'y'.repeat(2000)]);
    const instant = () =>
      often(
        ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.123456789Z', '2026-11-24T10:00:00-00:00', '2024-02-29T00:00:00+14:00', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', undefined],
        ['0000-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00', '2026-02-29T00:00:00Z', '2026-11-24T10:00:00', '2026-11-24', 'Tue, 24 Nov 2026 10:00:00 GMT', '+275760-09-13T00:00:00Z', '0001-01-01T00:00:00Z', 'not a time', ''],
      );
    const map = (least: number) => Object.fromEntries(Array.from({ length: least + Math.floor(random() * 4) }, () => [name(), value()]));
    const alert = () => {
      const fields: Record<string, unknown> = { labels: map(random() < 0.97 ? 1 : 0) };
      if (random() < 0.8) fields.annotations = map(0);
      for (const key of ['startsAt', 'endsAt']) {
        const at = instant();
        if (at !== undefined) fields[key] = at;
      }
      const url = pick([undefined, '', 'http://p:9090/graph']);
      if (url !== undefined) fields.generatorURL = url;
      return fields;
    };
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const alerts = Array.from({ length: 1 + Math.floor(random() * 2) }, alert);
      // Through JSON, as a request body arrives (`__proto__` stays an own key).
      const webhook = alertmanagerWebhookSchema.safeParse(JSON.parse(JSON.stringify({ version: '4', status: 'firing', alerts: alerts.map((each) => ({ status: pick(['firing', 'resolved']), ...each })) })));
      const prometheus = prometheusAlertsSchema.safeParse(JSON.parse(JSON.stringify(alerts)));
      for (const outcome of [webhook, prometheus]) {
        if (outcome.success) accepted += 1;
        else refused += 1;
      }
      if (webhook.success) contractHolds(alertEventsFromWebhook(context, webhook.data));
      if (prometheus.success) contractHolds(alertEventsFromPrometheus(context, prometheus.data));
    }
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });
});

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
