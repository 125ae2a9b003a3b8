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
