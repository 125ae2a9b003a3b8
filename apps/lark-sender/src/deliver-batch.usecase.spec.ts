import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { incidentViewSchema, type DeadLetterEvent, type DeliveryEvent, type NotificationEvent, type NotificationObjectConfig } from '@alertlark/contracts';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, type ConfigFeed, type EventPublisher, type TopicMessages } from '@alertlark/kafka';
import { postToLark, type LarkPostResult } from '@alertlark/lark';
import type { BotRateWindowRepository, DeliveryLedgerEntry, DeliveryLedgerRepository } from '@alertlark/persistence';
import { SecretBox, parseActionTokenKeys, verifyActionToken } from '@alertlark/secrets';
import type { JsonLogger } from '@alertlark/service-kit';
import { BotQueues, type InboxEntry } from './bot-queues';
import type { CardLinkSettings } from './card-links';
import type { AppBotCards } from './app-bot-cards';
import { DeliverBatchUseCase } from './deliver-batch.usecase';
import type { LarkSenderEnv } from './lark-sender.env';
import { PartitionProgress } from './partition-progress';

jest.mock('@alertlark/lark', () => ({ ...jest.requireActual('@alertlark/lark'), postToLark: jest.fn() }));
const post = postToLark as jest.MockedFunction<typeof postToLark>;

const answer = (outcome: 'ok' | 'transient'): LarkPostResult => ({
  kind: 'response',
  httpStatus: outcome === 'ok' ? 200 : 503,
  outcome,
  reason: outcome === 'ok' ? 'ok' : 'http-503',
  ok: outcome === 'ok',
  rateLimited: false,
  transient: outcome === 'transient',
  permanent: false,
  retryable: outcome === 'transient',
  durationMs: 5,
});

const ACTION_KEYS = parseActionTokenKeys(`k1:${'ab'.repeat(32)}`);
const LINKS: CardLinkSettings = { consoleUrl: 'http://console', actionKeys: ACTION_KEYS, actionTtlMs: 4 * 3_600_000 };

const object: NotificationObjectConfig = { id: 'bot-a', teamId: 't1', name: 'oncall', webhookUrlEncrypted: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', keywords: ['alert'] };

/** Notification `index` of group `alertname`, wordy enough that 500 groups overflow one card. */
function entry(index: number, alertname: string, firing: number): InboxEntry {
  const notification: NotificationEvent = {
    notificationId: `n${index}`,
    teamId: 't1',
    objectId: 'bot-a',
    policyId: 'p1',
    groupKey: `p1:{alertname="${alertname}"}`,
    groupLabels: [{ name: 'alertname', value: alertname }],
    status: 'firing',
    alerts: [{ fingerprint: alertname, status: 'firing', labels: [{ name: 'alertname', value: alertname }, { name: 'severity', value: 'critical' }], annotations: [], startsAt: '2024-05-01T10:00:00Z' }],
    totals: { firing, resolved: 0 },
    createdAt: '2024-05-01T10:00:00Z',
  };
  return { _id: notification.notificationId, partition: 0, offset: String(index), botKey: 'bot-a', objectId: 'bot-a', receivedAt: new Date(1_000 + index), notification };
}

/**
 * A sender with one bot queued: a storm's 500 groups of chatbot bot-a, group 7 with three
 * notifications (the last its newest count), unless `entries` says what; `objects` are the chatbots
 * it knows, `deleted` those it knows were deleted.
 */
function setup(options: { deliveriesTooLarge?: boolean; entries?: InboxEntry[]; objects?: NotificationObjectConfig[]; deleted?: string[]; allow?: string[]; secrets?: SecretBox } = {}) {
  const objects = new Map((options.objects ?? [object]).map((config) => [config.id, config]));
  const registry = new Registry();
  const queues = new BotQueues();
  const deadLetters: Array<{ key: string; value: DeadLetterEvent }> = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
        for (const topic of topicMessages) for (const message of topic.messages) deadLetters.push({ key: String(message.key), value: JSON.parse(message.value!.toString()) as DeadLetterEvent });
      },
    }),
  };
  queues.assign(new Set([0]));
  const progress = new PartitionProgress();
  const ledger: DeliveryLedgerEntry[] = [];
  const events: DeliveryEvent[] = [];
  const publisher = {
    publish: async (_contract: unknown, messages: Array<{ key: string }>) => {
      if (options.deliveriesTooLarge) throw new MessageTooLargeError('alertlark.deliveries.v1', messages[0]!.key, 5_000_000);
    },
    publishEncoded: async (topics: readonly TopicMessages[]) => {
      for (const topic of topics) for (const message of topic.messages) events.push(JSON.parse(message.value!.toString('utf8')) as DeliveryEvent);
    },
  };
  const deliver = new DeliverBatchUseCase(
    kafka as unknown as Kafka,
    { view: { notificationObject: (_teamId: string, id: string) => objects.get(id), isDeletedObject: (id: string) => options.deleted?.includes(id) ?? false } } as unknown as ConfigFeed,
    publisher as unknown as EventPublisher,
    { recordMany: async (rows: DeliveryLedgerEntry[]) => void ledger.push(...rows) } as unknown as DeliveryLedgerRepository,
    { send: async () => { throw new Error('no app bot in this spec'); } } as unknown as AppBotCards,
    progress,
    { save: async () => undefined } as unknown as BotRateWindowRepository,
    queues,
    options.secrets ?? ({ open: (sealed: string) => sealed } as unknown as SecretBox),
    { event: () => undefined } as unknown as JsonLogger,
    { LARK_RATE_PER_SECOND: 5, LARK_RATE_PER_MINUTE: 100, LARK_RATE_MARGIN_MS: 250, LARK_REQUEST_TIMEOUT_MS: 5_000, ALERTLARK_CONSOLE_URL: 'http://console', ALERTLARK_WEBHOOK_HOSTS_ALLOW: options.allow ?? [] } as LarkSenderEnv,
    LINKS,
    registry,
  );
  const entries = options.entries ?? [...Array.from({ length: 500 }, (_, i) => entry(i, `Alert${i}${'x'.repeat(40)}`, i + 1)), entry(500, `Alert7${'x'.repeat(40)}`, 70), entry(501, `Alert7${'x'.repeat(40)}`, 77)];
  for (const queued of entries) {
    progress.take(0, Number(queued.offset));
    queues.add(queued);
  }
  return { deliver, queues, progress, ledger, events, entries, deadLetters, registry, bot: queues.get(0, entries[0]!.botKey)! };
}

/** The notifications a posted digest's lines speak for, read back from the card Lark got. */
function listedGroups(): Set<string> {
  const body = JSON.parse(JSON.stringify(post.mock.calls.at(-1)![1])) as { card: { elements: Array<{ text?: { content: string } }> } };
  const lines = body.card.elements.flatMap((element) => element.text?.content.split('\n') ?? []).filter((line) => line.startsWith('🔥'));
  return new Set(lines.map((line) => /&#93; (Alert\d+)x/.exec(line)![1]!));
}

describe('DeliverBatchUseCase: a digest settles only what its card shows', () => {
  beforeEach(() => post.mockReset());

  it('delivered: the shown groups\' notifications are settled, the rest stay queued and untried', async () => {
    const { deliver, queues, progress, ledger, events, entries, bot } = setup();
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), true);

    const listed = listedGroups();
    expect(listed.size).toBeGreaterThan(50);
    expect(listed.size).toBeLessThan(500);
    const shown = entries.filter((queued) => listed.has((queued.notification as NotificationEvent).groupLabels[0]!.value.replace(/x+$/, '')));
    const ids = (rows: Array<{ _id?: string; notificationId?: string }>) => rows.map((row) => row._id ?? row.notificationId).sort();
    expect(ids(ledger)).toEqual(ids(shown));
    expect(ids(events)).toEqual(ids(shown));
    expect(events.every((event) => event.outcome === 'delivered' && event.digestId !== undefined)).toBe(true);
    // The newest groups go first: group 7 (its newest notification last in the queue) with all three.
    expect(ids(ledger)).toEqual(expect.arrayContaining(['n7', 'n500', 'n501']));
    const left = queues.get(0, 'bot-a')!.entries;
    expect(left.length).toBe(entries.length - shown.length);
    expect(left.every((queued) => !bot.attempts.has(queued._id))).toBe(true);
    // The partition commits up to the oldest notification still queued.
    expect(progress.committable(0)).toBe(String(Math.min(...left.map((queued) => Number(queued.offset)))));
  });

  it('the next digest shows the groups left, and settles them', async () => {
    const { deliver, queues, ledger, entries, bot } = setup();
    post.mockResolvedValue(answer('ok'));
    const listed: string[] = [];
    while (queues.get(0, 'bot-a')) {
      await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), true);
      listed.push(...listedGroups());
    }
    expect(post.mock.calls.length).toBeGreaterThan(1);
    expect(post.mock.calls.length).toBeLessThan(6);
    // Every group listed exactly once, in one digest or another.
    expect(listed).toHaveLength(500);
    expect(new Set(listed).size).toBe(500);
    expect(ledger.map((row) => row._id).sort()).toEqual(entries.map((queued) => queued._id).sort());
  });

  it('retried: only the shown notifications count an attempt and get a retrying event', async () => {
    const { deliver, queues, events, entries, bot } = setup();
    post.mockResolvedValue(answer('transient'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), true);

    expect(queues.get(0, 'bot-a')!.entries).toHaveLength(entries.length);
    expect(events.length).toBeGreaterThan(50);
    expect(events.length).toBeLessThan(entries.length);
    expect(events.every((event) => event.outcome === 'retrying' && event.attempt === 1)).toBe(true);
    expect([...bot.attempts.keys()].sort()).toEqual(events.map((event) => event.notificationId).sort());
  });

  it('a single card still settles every notification it supersedes', async () => {
    const { deliver, queues, ledger, entries, bot } = setup();
    post.mockResolvedValue(answer('ok'));
    const group7 = entries.filter((queued) => (queued.notification as NotificationEvent).groupKey.includes('Alert7x'));
    await deliver.execute(bot, group7, await deliver.chatbotsOf(bot), false);
    expect(ledger.map((row) => row._id)).toEqual(['n7', 'n500', 'n501']);
    expect(queues.get(0, 'bot-a')!.entries).toHaveLength(entries.length - 3);
  });
});

describe('DeliverBatchUseCase: dead letters that can never be written do not hold the bot', () => {
  it('a notification too large for one Kafka message is dead-lettered cut short, with its cause and source whole', async () => {
    const { deliver, queues, progress, deadLetters, bot } = setup();
    const huge = bot.entries[0]!;
    (huge.notification as NotificationEvent).alerts[0]!.annotations = [{ name: 'description', value: 'y'.repeat(MAX_MESSAGE_BYTES) }];
    await deliver.deadLetter(bot, bot.entries.slice(0, 3), 'delivery deadline of 120000 ms passed');

    expect(deadLetters.map((letter) => letter.key)).toEqual(['alertlark.notifications.v1/0/0', 'alertlark.notifications.v1/0/1', 'alertlark.notifications.v1/0/2']);
    const [cut, whole] = deadLetters.map((letter) => letter.value);
    expect(cut!.reason).toMatch(/^delivery deadline of 120000 ms passed \[value truncated to fit in one Kafka message; it was \d+ bytes\]$/);
    expect({ sourceTopic: cut!.sourceTopic, partition: cut!.partition, offset: cut!.offset, key: cut!.key }).toEqual({ sourceTopic: 'alertlark.notifications.v1', partition: 0, offset: '0', key: 'bot-a' });
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect((JSON.parse(whole!.value!) as NotificationEvent).notificationId).toBe('n1');
    expect(queues.get(0, 'bot-a')!.entries.map((queued) => queued._id)).not.toContain('n0');
    expect(progress.committable(0)).toBe('3');
  });

  it('a deliveries event that can never be written is given up, and the notifications still leave the queue', async () => {
    const { deliver, queues, deadLetters, bot } = setup({ deliveriesTooLarge: true });
    await expect(deliver.deadLetter(bot, bot.entries.slice(0, 2), 'deadline')).resolves.toBeUndefined();
    expect(deadLetters).toHaveLength(2);
    expect(queues.get(0, 'bot-a')!.entries.map((queued) => queued._id)).not.toEqual(expect.arrayContaining(['n0', 'n1']));
  });
});

describe('DeliverBatchUseCase: chatbots sharing a webhook', () => {
  beforeEach(() => post.mockReset());

  const webhook = 'https://open.feishu.cn/open-apis/bot/v2/hook/shared';
  const ops: NotificationObjectConfig = { id: 'nobj_ops', teamId: 't1', name: 'ops', webhookUrlEncrypted: webhook, keywords: ['alert', 'ops'] };
  const db: NotificationObjectConfig = { id: 'nobj_db', teamId: 't1', name: 'db', webhookUrlEncrypted: webhook, keywords: ['alert', 'db'] };
  /** Notification `index` of chatbot `objectId`, in the queue of the shared webhook; one policy notifies both. */
  const of = (index: number, objectId: string, alertname: string, firing: number): InboxEntry => {
    const queued = entry(index, alertname, firing);
    const notification = { ...(queued.notification as NotificationEvent), objectId };
    return { ...queued, botKey: 'wh_shared', objectId, notification };
  };

  it('a digest of both: one line per chatbot\'s group, posted as the newest\'s chatbot with the keywords of both, each notification settled as its own chatbot\'s', async () => {
    const queued = [of(0, 'nobj_ops', 'DiskFull', 3), of(1, 'nobj_db', 'DiskFull', 3), of(2, 'nobj_db', 'SlowQuery', 1)];
    const { deliver, queues, ledger, events, bot } = setup({ entries: queued, objects: [ops, db] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), true);

    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0]![0]).toBe(webhook);
    const card = JSON.stringify(post.mock.calls[0]![1]);
    expect(card).toContain('Keywords: alert, db, ops');
    expect(card).toContain('Alertlark · db');
    // Each chatbot's DiskFull group has a line of its own: neither speaks for the other's.
    expect(card.match(/DiskFull/g)).toHaveLength(2);
    expect(ledger.map((row) => [row._id, row.objectId])).toEqual([
      ['n0', 'nobj_ops'],
      ['n1', 'nobj_db'],
      ['n2', 'nobj_db'],
    ]);
    expect(events.map((event) => [event.notificationId, event.objectId, event.outcome])).toEqual([
      ['n0', 'nobj_ops', 'delivered'],
      ['n1', 'nobj_db', 'delivered'],
      ['n2', 'nobj_db', 'delivered'],
    ]);
    expect(queues.get(0, 'wh_shared')).toBeUndefined();
  });

  it('a single card is its own chatbot\'s', async () => {
    const { deliver, bot } = setup({ entries: [of(0, 'nobj_ops', 'DiskFull', 3), of(1, 'nobj_db', 'SlowQuery', 1)], objects: [ops, db] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [bot.entries[1]!], await deliver.chatbotsOf(bot), false);
    const card = JSON.stringify(post.mock.calls[0]![1]);
    expect(card).toContain('SlowQuery');
    expect(card).toContain('Alertlark · db');
    expect(card).not.toContain('ops');
  });

  it('fails a deleted chatbot\'s notifications for good, keeps an unknown one\'s waiting, and sends the others', async () => {
    const queued = [of(0, 'nobj_gone', 'A', 1), of(1, 'nobj_later', 'B', 1), of(2, 'nobj_ops', 'C', 1)];
    const { deliver, ledger, events, bot } = setup({ entries: queued, objects: [ops], deleted: ['nobj_gone'] });
    const chatbots = await deliver.chatbotsOf(bot);
    expect([...chatbots.keys()]).toEqual(['nobj_ops']);
    expect(ledger).toEqual([expect.objectContaining({ _id: 'n0', objectId: 'nobj_gone', outcome: 'failed' })]);
    expect(events).toEqual([expect.objectContaining({ notificationId: 'n0', outcome: 'failed', error: 'notification object was deleted' })]);
    expect(bot.entries.map((queued) => queued._id)).toEqual(['n1', 'n2']);
  });
});

describe('DeliverBatchUseCase: a sealed value opens only in its own row', () => {
  beforeEach(() => post.mockReset());

  const secrets = new SecretBox(randomBytes(32));
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/x';
  const sealedFor = (teamId: string, objectId: string, field: 'webhookUrl' | 'secret' = 'webhookUrl') => secrets.seal(url, { teamId, objectId }, field);

  it('posts with the webhook sealed for this team and chatbot', async () => {
    const { deliver, bot } = setup({ entries: [entry(0, 'DiskFull', 1)], objects: [{ ...object, webhookUrlEncrypted: sealedFor('t1', 'bot-a') }], secrets });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), false);
    expect(post.mock.calls.map((call) => call[0])).toEqual([url]);
  });

  it.each([
    ["another team's row", sealedFor('t2', 'bot-a')],
    ["another chatbot's row", sealedFor('t1', 'bot-b')],
    ['another field', sealedFor('t1', 'bot-a', 'secret')],
    ['the format before values were bound to their row', `v1.${'A'.repeat(16)}.${'A'.repeat(22)}.AAAA`],
  ])('fails the notification for good, reason unseal-failed, with a webhook copied from %s', async (_, copied) => {
    const { deliver, ledger, events, registry, bot } = setup({ entries: [entry(0, 'DiskFull', 1)], objects: [{ ...object, webhookUrlEncrypted: copied }], secrets });
    expect((await deliver.chatbotsOf(bot)).size).toBe(0);
    expect(post).not.toHaveBeenCalled();
    expect(ledger).toEqual([expect.objectContaining({ _id: 'n0', outcome: 'failed' })]);
    expect(events).toEqual([expect.objectContaining({ notificationId: 'n0', outcome: 'failed', error: expect.stringContaining('cannot unseal the webhook of bot-a') })]);
    expect(await registry.getSingleMetricAsString('alertlark_sender_notifications_total')).toContain('outcome="failed",reason="unseal-failed"} 1');
  });
});

describe('DeliverBatchUseCase: the webhook allowlist is checked again before every request', () => {
  beforeEach(() => post.mockReset());

  const proxied: NotificationObjectConfig = { ...object, webhookUrlEncrypted: 'http://lark-proxy.example:8080/open-apis/bot/v2/hook/x' };

  it('allowed: the card goes to the allowlisted host', async () => {
    const { deliver, ledger, bot } = setup({ entries: [entry(0, 'DiskFull', 1)], objects: [proxied], allow: ['lark-proxy.example:8080'] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), false);
    expect(post.mock.calls.map((call) => call[0])).toEqual([proxied.webhookUrlEncrypted]);
    expect(ledger).toEqual([expect.objectContaining({ _id: 'n0', outcome: 'delivered' })]);
  });

  it('narrowed (the sender restarted without the host): a notification being retried fails for good, and no request is made', async () => {
    const { deliver, queues, progress, ledger, events, bot } = setup({ entries: [entry(0, 'DiskFull', 1)], objects: [proxied], allow: ['other-proxy.example:8080'] });
    // Tried twice already, Lark's proxy answering 503.
    bot.attempts.set('n0', 2);

    const chatbots = await deliver.chatbotsOf(bot);

    expect(chatbots.size).toBe(0);
    expect(post).not.toHaveBeenCalled();
    expect(ledger).toEqual([expect.objectContaining({ _id: 'n0', outcome: 'failed', attempts: 2 })]);
    expect(events).toEqual([expect.objectContaining({ notificationId: 'n0', outcome: 'failed', error: 'webhook URL no longer allowed: host lark-proxy.example is not a Lark webhook host (open.feishu.cn, open.larksuite.com)' })]);
    expect(queues.get(0, 'bot-a')).toBeUndefined();
    expect(progress.committable(0)).toBe('1');
  });

  it('Lark\'s own hosts need no entry', async () => {
    const { deliver, bot } = setup({ entries: [entry(0, 'DiskFull', 1)] });
    expect([...(await deliver.chatbotsOf(bot)).keys()]).toEqual(['bot-a']);
  });
});

describe('DeliverBatchUseCase: claim, resolve and silence from the chat (issue 13)', () => {
  beforeEach(() => post.mockReset());

  const incident = incidentViewSchema.parse({ id: 'inc_1', openedAt: 0, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null });
  /** Notification `index` of group `alertname` as the router sends it now: with its group id and incident. */
  const of = (index: number, alertname: string, extra: Partial<NotificationEvent> = {}): InboxEntry => {
    const queued = entry(index, alertname, 3);
    return { ...queued, notification: { ...(queued.notification as NotificationEvent), groupId: `grp_${alertname}`, incident, ...extra } };
  };
  type Card = { card: { header: { title: { content: string } }; elements: Array<{ tag: string; actions?: Array<{ text: { content: string }; url: string }>; text?: { content: string } }> } };
  const posted = (call = -1) => JSON.parse(JSON.stringify(post.mock.calls.at(call)![1])) as Card;
  const buttons = (card: Card) => Object.fromEntries(card.card.elements.flatMap((element) => element.actions ?? []).map((button) => [button.text.content, button.url]));

  it('an alert card: buttons opening action links signed by the sender for its team, group, incident and action, and the group\'s page', async () => {
    const { deliver, bot } = setup({ entries: [of(0, 'HighCPU')] });
    post.mockResolvedValue(answer('ok'));
    const before = Date.now();
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), false);

    const urls = buttons(posted());
    expect(Object.keys(urls)).toEqual(['Claim', 'Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h', 'Open in console']);
    expect(urls['Open in console']).toBe('http://console/alert-groups/grp_HighCPU');
    const claims = Object.entries(urls)
      .filter(([label]) => label !== 'Open in console')
      .map(([, url]) => {
        const check = verifyActionToken(ACTION_KEYS, /^http:\/\/console\/act\/(.+)$/.exec(url)![1]!, before);
        if (!check.ok) throw new Error(check.message);
        expect(check.expiresAt).toBeGreaterThanOrEqual(Math.floor((before + LINKS.actionTtlMs) / 1000) * 1000);
        expect(check.expiresAt).toBeLessThanOrEqual(Date.now() + LINKS.actionTtlMs);
        return check.claims;
      });
    const group = { teamId: 't1', groupId: 'grp_HighCPU', incidentId: 'inc_1' };
    expect(claims).toEqual([
      { ...group, action: 'claim' },
      { ...group, action: 'resolve' },
      { ...group, action: 'silence', durationMs: 3_600_000 },
      { ...group, action: 'silence', durationMs: 14_400_000 },
      { ...group, action: 'silence', durationMs: 86_400_000 },
    ]);
  });

  it('a notification without a group id (from before issue 13): the alerts view as before, no action buttons', async () => {
    const { deliver, bot } = setup({ entries: [entry(0, 'HighCPU', 3)] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), false);
    expect(buttons(posted())).toEqual({ 'Open in console': `http://console/alerts?group=${encodeURIComponent('p1:{alertname="HighCPU"}')}` });
  });

  it('a follow-up goes as its follow-up card, settling itself only', async () => {
    const claimed = { ...incident, state: 'claimed' as const, claimedBy: { name: 'Alice', verified: false }, claimedAt: 1 };
    const followUp = of(1, 'HighCPU', { notificationId: 'f1', incident: claimed, followUp: { action: 'claim', actor: { name: 'Alice', verified: false } } });
    const { deliver, queues, ledger, bot } = setup({ entries: [of(0, 'HighCPU'), { ...followUp, _id: 'f1' }] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [bot.entries[1]!], await deliver.chatbotsOf(bot), false);

    const card = posted();
    expect(card.card.header.title.content).toBe('Alice claimed [FIRING:3] HighCPU critical');
    expect(JSON.stringify(card)).toContain('Alice (unverified)');
    expect(buttons(card)).toEqual({ 'Open in console': 'http://console/alert-groups/grp_HighCPU' });
    expect(JSON.stringify(card)).toContain('Keywords: alert');
    expect(ledger.map((row) => row._id)).toEqual(['f1']);
    expect(queues.get(0, 'bot-a')!.entries.map((queued) => queued._id)).toEqual(['n0']);
  });

  it('a digest\'s lines link to their groups\' pages', async () => {
    const { deliver, bot } = setup({ entries: [of(0, 'HighCPU'), of(1, 'DiskFull'), entry(2, 'Legacy', 1)] });
    post.mockResolvedValue(answer('ok'));
    await deliver.execute(bot, [...bot.entries], await deliver.chatbotsOf(bot), true);
    const json = JSON.stringify(posted());
    expect(json).toContain('HighCPU critical](http://console/alert-groups/grp_HighCPU)');
    expect(json).toContain('DiskFull critical](http://console/alert-groups/grp_DiskFull)');
    expect(json).toContain('🔥 &#91;FIRING:1&#93; Legacy critical · 1 firing');
  });
});
