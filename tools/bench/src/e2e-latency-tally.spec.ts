import { prometheusAlertsSchema } from '@alertlark/contracts';
import {
  alertsInTick,
  alertsPerBot,
  botLatencies,
  cardEvents,
  cardFiringCount,
  hopDurations,
  latencyAlertmanagerConfig,
  latencyTargets,
  percentile,
  postableBody,
  shownTimes,
  summarizeLatencies,
  tickAlerts,
  tickCount,
  webhookFiringCount,
  type LatencyLoadShape,
} from './e2e-latency-tally';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const card = (title: string, lines: string[] = []) => ({
  msg_type: 'interactive',
  card: { header: { title: { tag: 'plain_text', content: title } }, elements: lines.map((content) => ({ tag: 'div', text: { tag: 'lark_md', content } })) },
});

describe('e2e-latency load', () => {
  const shape = (rate: number): LatencyLoadShape => ({ rate, durationSeconds: 30, tickMs: 100, bots: 20 });

  it('sends the rate every 100 ms, spread evenly over the 20 bots', () => {
    expect(tickCount(shape(200))).toBe(300);
    expect(alertsInTick(shape(200), 0)).toBe(20);
    expect(alertsInTick(shape(1000), 7)).toBe(100);
    expect(alertsPerBot(shape(200))).toEqual(new Array(20).fill(300));
    expect(alertsPerBot(shape(1000))).toEqual(new Array(20).fill(1500));
    // A rate that is not a multiple of 10/s still adds up over the run.
    const odd = { ...shape(15), durationSeconds: 2 };
    expect(Array.from({ length: tickCount(odd) }, (_, tick) => alertsInTick(odd, tick)).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('makes new firing alerts, one alertname and one routing value per bot, that ingest accepts', () => {
    const first = tickAlerts(shape(1000), 'run1', 0, 0, NOW);
    const second = tickAlerts(shape(1000), 'run1', 1, first.length, NOW + 100);
    const all = [...first, ...second];
    expect(new Set(all.map((alert) => JSON.stringify(alert.labels))).size).toBe(200);
    for (const alert of all) {
      expect(alert.labels.alertname).toBe(`E2eLatencyB${String(alert.bot).padStart(2, '0')}`);
      expect(alert.labels.bench_bot).toBe(`run1-b${String(alert.bot).padStart(2, '0')}`);
    }
    const perBot = new Map<number, number>();
    for (const alert of first) perBot.set(alert.bot, (perBot.get(alert.bot) ?? 0) + 1);
    expect([...perBot.values()]).toEqual(new Array(20).fill(5));
    expect(first[0]!.startsAt).toBe(new Date(NOW).toISOString());
    const body = prometheusAlertsSchema.parse(postableBody(first));
    expect(body).toHaveLength(100);
    expect(body[0]).not.toHaveProperty('endsAt');
    expect(body[0]).not.toHaveProperty('bot');
  });

  it('routes each bot to a webhook of its own in Alertmanager, with the same timers', () => {
    const config = JSON.parse(latencyAlertmanagerConfig('http://127.0.0.1:9/hook', 'run1', 20, { groupWait: '0s', groupInterval: '1s', repeatInterval: '4h' }));
    expect(config.route).toMatchObject({ group_by: ['alertname'], group_wait: '0s', group_interval: '1s', repeat_interval: '4h' });
    expect(config.route.routes).toHaveLength(20);
    expect(config.route.routes[7]).toMatchObject({ receiver: 'b07', matchers: ['bench_bot="run1-b07"'], group_by: ['alertname'], group_wait: '0s', group_interval: '1s' });
    expect(config.receivers.find((receiver: { name: string }) => receiver.name === 'b07').webhook_configs).toEqual([{ url: 'http://127.0.0.1:9/hook/b07', send_resolved: true, max_alerts: 0 }]);
  });
});

describe('e2e-latency firing counts', () => {
  it('reads [FIRING:n] from an alert card title', () => {
    expect(cardFiringCount(card('[FIRING:37] E2eLatencyB03 warning'))).toBe(37);
    expect(cardFiringCount(card('🚨 [FIRING:2] E2eLatencyB03 warning'))).toBe(2);
  });

  it('reads the largest count of a digest card’s lines (lark_md-escaped brackets)', () => {
    const digest = card('[DIGEST] 2 notifications', ['🔥 &#91;FIRING:40&#93; E2eLatencyB03 warning · 40 firing\n🔥 &#91;FIRING:45&#93; E2eLatencyB03 warning · 45 firing']);
    expect(cardFiringCount(digest)).toBe(45);
  });

  it('reads nothing from resolved cards, summaries and non-cards', () => {
    expect(cardFiringCount(card('[RESOLVED] E2eLatencyB03 warning'))).toBeUndefined();
    expect(cardFiringCount({ msg_type: 'text', content: { text: '[FIRING:3] x' } })).toBeUndefined();
    expect(cardFiringCount(null)).toBeUndefined();
  });

  it('takes accepted cards only, at the emulator’s receive time', () => {
    const events = cardEvents([
      { id: 1, accepted: true, receivedAt: '2026-11-25T10:00:01.250Z', body: card('[FIRING:3] A warning') },
      { id: 2, accepted: false, receivedAt: '2026-11-25T10:00:01.300Z', body: card('[FIRING:9] A warning') },
      { id: 3, accepted: true, receivedAt: '2026-11-25T10:00:02.000Z', body: card('[RESOLVED] A warning') },
    ]);
    expect(events).toEqual([{ at: NOW + 1_250, firing: 3 }]);
  });

  it('counts the firing alerts of an Alertmanager webhook', () => {
    expect(webhookFiringCount({ alerts: [{ status: 'firing' }, { status: 'resolved' }, { status: 'firing' }] })).toBe(2);
    expect(webhookFiringCount({})).toBeUndefined();
  });
});

describe('e2e-latency shown times', () => {
  it('shows the k-th alert at the first event, in time order, saying at least k fire', () => {
    const events = [
      { at: 3_000, firing: 5 },
      { at: 1_000, firing: 2 },
      { at: 2_000, firing: 1 }, // fewer than before: shows nothing new
    ];
    expect(shownTimes(6, events)).toEqual([1_000, 1_000, 3_000, 3_000, 3_000, undefined]);
  });

  it('ignores events after the deadline', () => {
    expect(shownTimes(3, [{ at: 1_000, firing: 1 }, { at: 5_000, firing: 3 }], 4_000)).toEqual([1_000, undefined, undefined]);
  });

  it('times a hop per alert shown by both ends', () => {
    const notified = [{ at: 500, firing: 2 }, { at: 1_200, firing: 3 }];
    const cards = [{ at: 800, firing: 1 }, { at: 1_700, firing: 3 }];
    expect(hopDurations(4, notified, cards)).toEqual([300, 1_200, 500]);
  });

  it('measures each alert from its own POST', () => {
    expect(botLatencies([0, 100, 200], [{ at: 900, firing: 2 }, { at: 1_500, firing: 3 }])).toEqual([900, 800, 1_300]);
  });
});

describe('e2e-latency percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('summarizes in seconds, counting alerts not shown as slower than any shown', () => {
    const latencies = [...Array.from({ length: 98 }, (_, i) => (i + 1) * 10), undefined, undefined];
    const summary = summarizeLatencies(latencies);
    expect(summary).toMatchObject({ sent: 100, shown: 98, notShown: 2, p50: 0.5, p90: 0.9, p99: null, max: null });
    expect(summary.shownOnly).toEqual({ p50: 0.49, p90: 0.89, p99: 0.98, max: 0.98 });
    expect(summarizeLatencies([1_234, 800])).toMatchObject({ sent: 2, shown: 2, notShown: 0, p50: 0.8, p99: 1.234, max: 1.234 });
    expect(summarizeLatencies([])).toMatchObject({ sent: 0, p99: null, shownOnly: null });
  });

  it('sets the targets beside the figures: all shown; p99 within 1.7 s and Alertmanager’s p99 + 0.5 s', () => {
    const alertlark = summarizeLatencies([900, 1_200]);
    expect(latencyTargets(alertlark, summarizeLatencies([1_000, 1_100]))).toEqual({
      allShown: { met: true },
      p99: { maxSeconds: 1.7, overAlertmanagerSeconds: 0.5, limitSeconds: 1.6, met: true },
    });
    expect(latencyTargets(alertlark, summarizeLatencies([500, 600])).p99).toMatchObject({ limitSeconds: 1.1, met: false });
    expect(latencyTargets(summarizeLatencies([900, undefined]), undefined)).toEqual({
      allShown: { met: false },
      p99: { maxSeconds: 1.7, overAlertmanagerSeconds: 0.5, limitSeconds: 1.7, met: false },
    });
  });
});
