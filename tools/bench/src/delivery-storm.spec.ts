import { alertmanagerWebhookSchema, prometheusAlertsSchema, type DeliveryEvent, type NotificationEvent } from '@alertlark/contracts';
import { LARK_BODY_LIMIT_BYTES } from '@alertlark/lark';
import { bridgeCard, naiveCard, notificationFromWebhook, STORM_KEYWORD } from './storm-bridge-card';
import { alertmanagerConfig, batches, buildStorm, durationMs, ingestWebhook, postableAlerts, stormAlertname, stormFinalCounts } from './storm-load';
import { AlertlarkTally, BridgeTally, countMessages, isAccepted, isRetryable, seenInChat, type EmulatorMessage } from './storm-tally';

const NOW = Date.parse('2026-11-24T16:00:00Z');

describe('delivery-storm load', () => {
  const storm = buildStorm({ alerts: 10_000, alertnames: 500 }, NOW);

  it('makes 10,000 distinct alerts, 20 instances of each of 500 alertnames, all starting now', () => {
    expect(storm).toHaveLength(10_000);
    expect(new Set(storm.map((alert) => JSON.stringify(alert.labels))).size).toBe(10_000);
    const perName = new Map<string, number>();
    for (const alert of storm) perName.set(alert.labels.alertname!, (perName.get(alert.labels.alertname!) ?? 0) + 1);
    expect(perName.size).toBe(500);
    expect(new Set(perName.values())).toEqual(new Set([20]));
    expect(new Set(storm.map((alert) => alert.startsAt))).toEqual(new Set([new Date(NOW).toISOString()]));
    expect(new Set(storm.map((alert) => alert.labels.severity))).toEqual(new Set(['critical', 'warning', 'info']));
  });

  it('puts one instance of every alertname in each batch of 500', () => {
    const slices = batches(storm, 500);
    expect(slices).toHaveLength(20);
    for (const slice of slices) expect(new Set(slice.map((alert) => alert.labels.alertname)).size).toBe(500);
    expect(batches([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });

  it('carries the alerts in bodies ingest and Alertmanager accept', () => {
    const slice = storm.slice(0, 500);
    const webhook = alertmanagerWebhookSchema.parse(ingestWebhook(slice));
    expect(webhook.alerts).toHaveLength(500);
    expect(webhook.alerts.every((alert) => alert.status === 'firing')).toBe(true);
    expect(prometheusAlertsSchema.parse(postableAlerts(slice))).toHaveLength(500);
  });

  it('configures Alertmanager to group by alertname into one webhook with every alert', () => {
    const config = JSON.parse(alertmanagerConfig('http://127.0.0.1:1/hook', { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' }));
    expect(config.route).toMatchObject({ receiver: 'lark-bridge', group_by: ['alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
    expect(config.receivers[0].webhook_configs[0]).toEqual({ url: 'http://127.0.0.1:1/hook', send_resolved: true, max_alerts: 0 });
  });

  it('reads durations and rejects bad shapes', () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(() => durationMs('30')).toThrow();
    expect(() => buildStorm({ alerts: 10, alertnames: 11 }, NOW)).toThrow();
  });
});

describe('delivery-storm bridge cards', () => {
  const storm = buildStorm({ alerts: 10_000, alertnames: 500 }, NOW);
  const group = (nameIndex: number) => {
    const alerts = storm.filter((alert) => alert.labels.alertname === stormAlertname(nameIndex));
    const webhook = ingestWebhook(alerts);
    return alertmanagerWebhookSchema.parse({
      ...webhook,
      groupKey: `{}:{alertname="${stormAlertname(nameIndex)}"}`,
      groupLabels: { alertname: stormAlertname(nameIndex) },
      alerts: webhook.alerts.map((alert, i) => ({ ...alert, fingerprint: `fp${nameIndex}-${i}` })),
    });
  };

  it('builds a valid notification from a webhook, keeping every alert', () => {
    const notification = notificationFromWebhook(group(1), 'am-1', new Date(NOW));
    expect(notification.alerts).toHaveLength(20);
    expect(notification.groupLabels).toEqual([{ name: 'alertname', value: 'StormAlert0001' }]);
    expect(notification.alerts[0]!.endsAt).toBeUndefined();
  });

  it('the naive card lists every alert and carries the keyword; three in four groups exceed 20 KB', () => {
    const sizes = [0, 1, 2, 3].map((nameIndex) => bridgeCard(group(nameIndex), 'naive', 'x', new Date(NOW)).bytes);
    expect(sizes[0]).toBeLessThan(LARK_BODY_LIMIT_BYTES);
    expect(sizes.slice(1).every((size) => size > LARK_BODY_LIMIT_BYTES)).toBe(true);
    const card = JSON.stringify(naiveCard(group(0)));
    expect(card).toContain(STORM_KEYWORD);
    for (let i = 0; i < 20; i++) expect(card).toContain(`node-${String(i).padStart(3, '0')}.prod`);
  });

  it('the fitted card (Alertlark\'s renderer) always fits and speaks for every alert', () => {
    for (const nameIndex of [0, 1, 2, 3]) {
      const card = bridgeCard(group(nameIndex), 'fitted', 'x', new Date(NOW));
      expect(card.bytes).toBeLessThan(LARK_BODY_LIMIT_BYTES);
      expect(card.fingerprints).toHaveLength(20);
    }
  });
});

describe('delivery-storm counting', () => {
  const message = (accepted: boolean, code: number | null, httpStatus: number | null = 200, msg = ''): EmulatorMessage => ({ token: 't', accepted, code, httpStatus, msg });

  it('counts cards and rejections by kind', () => {
    expect(
      countMessages([
        message(true, 0),
        message(true, 0),
        message(false, 11232),
        message(false, 9499, 400, 'too many request'),
        message(false, 9499, 400, 'Bad Request'),
        message(false, 19036),
        message(false, null, 503),
      ]),
    ).toEqual({ requests: 7, cards: 2, rateLimitRejections: 2, sizeRejections: 1, otherRejections: { '9499': 1, null: 1 } });
  });

  it('tells which bridge answers are accepted and which a naive retry would try again', () => {
    expect(isAccepted({ httpStatus: 200, code: 0 })).toBe(true);
    expect(isAccepted({ httpStatus: 200, code: 11232 })).toBe(false);
    expect(isRetryable({ httpStatus: 200, code: 11232 })).toBe(true);
    expect(isRetryable({ httpStatus: 400, code: 9499, msg: 'too many request' })).toBe(true);
    expect(isRetryable({ httpStatus: 200, code: 19036 })).toBe(false);
    expect(isRetryable({ httpStatus: 503, code: null })).toBe(true);
    expect(isRetryable({ httpStatus: null, code: null, error: 'timeout' })).toBe(true);
  });

  const notification = (id: string, fingerprints: string[], objectId = 'bot'): NotificationEvent => ({
    notificationId: id,
    teamId: 'team',
    objectId,
    policyId: 'policy',
    groupKey: id,
    groupLabels: [],
    status: 'firing',
    alerts: fingerprints.map((fingerprint) => ({ fingerprint, status: 'firing', labels: [{ name: 'alertname', value: id }], annotations: [], startsAt: '2026-11-24T16:00:00Z' })),
    createdAt: '2026-11-24T16:00:30Z',
  });
  const delivery = (notificationId: string, outcome: DeliveryEvent['outcome'], alertCount: number, at: string, digestId?: string): DeliveryEvent => ({
    deliveryId: `${notificationId}-${outcome}-${at}`,
    notificationId,
    teamId: 'team',
    objectId: 'bot',
    attempt: 1,
    outcome,
    ...(digestId ? { digestId } : {}),
    alertCount,
    at,
    durationMs: 5,
  });

  it('is drained once every alert was notified and every notification finished, digests counted once', () => {
    const tally = new AlertlarkTally('bot');
    tally.addNotification(notification('n1', ['a', 'b']));
    tally.addNotification(notification('n2', ['c', 'd']));
    tally.addNotification(notification('other', ['x'], 'another-bot'));
    expect(tally.isDrained(4)).toBe(false);
    tally.addDelivery(delivery('n1', 'retrying', 2, '2026-11-24T16:00:31Z'));
    tally.addDelivery(delivery('n1', 'delivered', 2, '2026-11-24T16:00:32Z', 'd1'));
    expect(tally.isDrained(4)).toBe(false);
    tally.addDelivery(delivery('n2', 'delivered', 2, '2026-11-24T16:00:33Z', 'd1'));
    expect(tally.isDrained(4)).toBe(true);
    expect(tally.isDrained(5)).toBe(false);
    expect(tally.summary()).toMatchObject({
      notifications: 2,
      delivered: 2,
      unfinished: 0,
      retryingEvents: 1,
      deliveredRequests: 1,
      digests: 1,
      alertsAccountedFor: 4,
      alertsSent: 4,
      alertsNotified: 4,
      lastFinalAt: Date.parse('2026-11-24T16:00:33Z'),
    });
  });

  it('does not count a failed or dead-lettered notification as accounted for, and notes duplicates', () => {
    const tally = new AlertlarkTally('bot');
    tally.addNotification(notification('n1', ['a']));
    tally.addNotification(notification('n2', ['b']));
    tally.addDelivery(delivery('n1', 'failed', 1, '2026-11-24T16:00:32Z'));
    tally.addDelivery(delivery('n2', 'delivered', 1, '2026-11-24T16:00:33Z'));
    tally.addDelivery(delivery('n2', 'delivered', 1, '2026-11-24T16:00:34Z'));
    expect(tally.isDrained(2)).toBe(true);
    expect(tally.summary()).toMatchObject({ delivered: 1, failed: 1, alertsAccountedFor: 1, duplicateFinals: 1, digests: 0, deliveredRequests: 1 });
  });

  it('follows the bridge until every group was notified and no post is in flight', () => {
    const tally = new BridgeTally();
    tally.startNotification('g1', ['a', 'b'], 100);
    tally.recordPost(false);
    tally.startNotification('g2', ['c'], 30_000);
    tally.recordPost(false);
    expect(tally.isDrained(2)).toBe(false);
    tally.finishNotification(true, ['a', 'b'], 1_000);
    tally.recordPost(true);
    tally.finishNotification(false, ['c'], 2_000);
    expect(tally.isDrained(2)).toBe(true);
    expect(tally.summary()).toEqual({
      notifications: 2,
      groups: 2,
      posts: 3,
      retries: 1,
      acceptedNotifications: 1,
      alertsAccountedFor: 2,
      alertsNotified: 3,
      maxCardBytes: 30_000,
      inFlight: 0,
      lastPostDoneAt: 2_000,
    });
  });
});

describe('what a person in the chat saw of the storm', () => {
  const finalCounts = stormFinalCounts({ alerts: 7, alertnames: 3 });
  const card = (title: string) => ({ msg_type: 'interactive', card: { header: { title: { tag: 'plain_text', content: title } }, elements: [] } });
  const digest = (lines: string[]) => ({ msg_type: 'interactive', card: { header: { title: { tag: 'plain_text', content: '[DIGEST]' } }, elements: [{ tag: 'div', text: { tag: 'lark_md', content: lines.join('\n') } }] } });
  const message = (secondsAfterLastPost: number, body: unknown, accepted = true): EmulatorMessage => ({
    token: 't',
    accepted,
    code: accepted ? 0 : 11232,
    httpStatus: 200,
    receivedAt: new Date(NOW + secondsAfterLastPost * 1_000).toISOString(),
    body,
  });

  it('gives each alertname its share of the storm', () => {
    expect(finalCounts).toEqual(new Map([[stormAlertname(0), 3], [stormAlertname(1), 2], [stormAlertname(2), 2]]));
  });

  it('counts, group by group, the largest count shown in titles and digest lines, and when the last group reached its final count', () => {
    const [a, b, c] = [...finalCounts.keys()];
    const seen = seenInChat(
      [
        message(-1, card(`[FIRING:1] ${a}`)),
        message(2, digest([`🔥 &#91;FIRING:3&#93; ${a} critical · 3 firing`, `🔥 &#91;FIRING:1&#93; ${b} info · 1 firing`])),
        message(2.5, card(`[FIRING:2] ${c}`), false),
        message(40, card(`[FIRING:2] ${b}`)),
      ],
      finalCounts,
      NOW,
    );
    expect(seen).toEqual({ groupsShown: 2, groupsAtFinalCount: 2, groupsAtFinalCountInTime: 2, alertsShown: 5, lastFinalCountSeconds: null, busiestSecond: 2, busiestMinute: 4 });
  });

  it('says when the last group showed its final count, and which were too late', () => {
    const [a, b, c] = [...finalCounts.keys()];
    const seen = seenInChat([message(10, card(`[FIRING:3] ${a}`)), message(20, card(`[FIRING:2] ${b}`)), message(75, card(`[FIRING:2] ${c}`))], finalCounts, NOW);
    expect(seen).toMatchObject({ groupsAtFinalCount: 3, groupsAtFinalCountInTime: 2, alertsShown: 7, lastFinalCountSeconds: 75 });
  });
});
