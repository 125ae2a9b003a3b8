import { TOPICS, type DeadLetterEvent, type NotificationEvent } from '@alertlark/contracts';
import { REPLAYABLE_TOPICS, selectForReplay } from './replay-selection';

const notification: NotificationEvent = {
  notificationId: 'ntf-1',
  teamId: 'team_1',
  objectId: 'nobj_1',
  policyId: 'pol_1',
  groupKey: 'g',
  groupLabels: [{ name: 'alertname', value: 'DiskFull' }],
  status: 'firing',
  alerts: [{ fingerprint: '0123456789abcdef', status: 'firing', labels: [{ name: 'alertname', value: 'DiskFull' }], annotations: [], startsAt: '2026-11-24T09:00:00Z' }],
  createdAt: '2026-11-24T09:00:01Z',
};

const entry = (overrides: Partial<DeadLetterEvent> = {}): DeadLetterEvent => ({
  sourceTopic: TOPICS.notifications,
  partition: 3,
  offset: '41',
  key: 'nobj_1',
  value: JSON.stringify(notification),
  reason: 'delivery deadline passed: Lark answered 11232',
  consumer: 'lark-sender',
  at: '2026-11-24T10:00:00.000Z',
  ...overrides,
});
const message = (overrides: Partial<DeadLetterEvent> = {}) => Buffer.from(JSON.stringify(entry(overrides)));

describe('selectForReplay', () => {
  it('replays a valid notification with everything it needs to go back where it came from', () => {
    expect(selectForReplay(message(), {})).toEqual({ replay: true, entry: entry() });
  });

  it('applies every filter, and all of them together', () => {
    const all = { sourceTopic: TOPICS.notifications, consumer: 'lark-sender', key: 'nobj_1', since: new Date('2026-11-24T10:00:00Z') };
    expect(selectForReplay(message(), all).replay).toBe(true);
    expect(selectForReplay(message(), { ...all, sourceTopic: TOPICS.alerts })).toMatchObject({ replay: false, reason: expect.stringContaining('source topic') });
    expect(selectForReplay(message(), { ...all, consumer: 'policy-router' })).toMatchObject({ replay: false, reason: 'consumer lark-sender is not policy-router' });
    expect(selectForReplay(message(), { ...all, key: 'nobj_2' })).toMatchObject({ replay: false, reason: expect.stringContaining('key') });
    expect(selectForReplay(message(), { ...all, since: new Date('2026-11-24T10:00:00.001Z') })).toMatchObject({ replay: false, reason: expect.stringContaining('before') });
  });

  it('compares --since with the time the entry was dead-lettered, and skips an unreadable one', () => {
    const since = new Date('2026-11-24T00:00:00Z');
    expect(selectForReplay(message({ at: '2026-11-23T23:59:59Z' }), { since }).replay).toBe(false);
    expect(selectForReplay(message({ at: '2026-11-24T08:00:00+08:00' }), { since }).replay).toBe(true);
    expect(selectForReplay(message({ at: 'yesterday' }), { since })).toMatchObject({ replay: false, reason: expect.stringContaining('unreadable') });
    expect(selectForReplay(message({ at: 'yesterday' }), {}).replay).toBe(true);
  });

  it('keeps a null key as it was', () => {
    expect(selectForReplay(message({ key: null }), {})).toMatchObject({ replay: true, entry: { key: null } });
    expect(selectForReplay(message({ key: null }), { key: 'nobj_1' }).replay).toBe(false);
  });

  it('skips what is not a dead-letter entry at all', () => {
    expect(selectForReplay(Buffer.from('not json'), {})).toMatchObject({ replay: false, reason: expect.stringMatching(/^not a dead-letter entry: value is not JSON/) });
    expect(selectForReplay(Buffer.from('{"sourceTopic":"x"}'), {})).toMatchObject({ replay: false, reason: expect.stringMatching(/^not a dead-letter entry: schema violation/) });
    expect(selectForReplay(null, {})).toMatchObject({ replay: false, reason: 'not a dead-letter entry: empty message value' });
  });

  it('never sends anything back to the config topic, the dead-letter topic or a topic it does not know', () => {
    for (const sourceTopic of [TOPICS.config, TOPICS.deadLetter, 'someone.else.v1']) {
      expect(selectForReplay(message({ sourceTopic }), {})).toMatchObject({ replay: false, reason: expect.stringContaining('not replayable') });
    }
    expect(REPLAYABLE_TOPICS).toEqual(expect.arrayContaining([TOPICS.alerts, TOPICS.notifications, TOPICS.deliveries, TOPICS.alertHistory]));
    expect(REPLAYABLE_TOPICS).not.toContain(TOPICS.config);
  });

  it('skips a value that would only be dead-lettered again, and an entry without a value', () => {
    expect(selectForReplay(message({ value: '{"marker":"junk"}' }), {})).toMatchObject({
      replay: false,
      reason: expect.stringMatching(/still fails the contract of alertlark\.notifications\.v1 \(schema violation: notificationId/),
    });
    expect(selectForReplay(message({ value: '{' }), {})).toMatchObject({ replay: false, reason: expect.stringContaining('not JSON') });
    expect(selectForReplay(message({ value: null }), {})).toMatchObject({ replay: false, reason: 'the entry holds no value' });
  });

  it('checks the value against the contract of its own source topic', () => {
    expect(selectForReplay(message({ sourceTopic: TOPICS.alerts }), {})).toMatchObject({ replay: false, reason: expect.stringContaining('alertlark.alerts.v1') });
  });
});
