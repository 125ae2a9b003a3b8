import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { incidentViewSchema, type NotificationEvent, type NotificationObjectConfig } from '@alertlark/contracts';
import type { ConfigFeed, EventPublisher, TopicMessages } from '@alertlark/kafka';
import { postToLark, type LarkPostResult } from '@alertlark/lark';
import type { BotRateWindowRepository, DeliveryLedgerEntry, DeliveryLedgerRepository } from '@alertlark/persistence';
import { parseActionTokenKeys, type SecretBox } from '@alertlark/secrets';
import type { JsonLogger } from '@alertlark/service-kit';
import { busiestWindow } from '@alertlark/testing';
import { BotQueues, type InboxEntry } from './bot-queues';
import type { AppBotCards } from './app-bot-cards';
import { DeliverBatchUseCase } from './deliver-batch.usecase';
import { DeliveryDispatcher, SHUTDOWN_GRACE_MS } from './delivery-dispatcher';
import type { LarkSenderEnv } from './lark-sender.env';
import { PartitionProgress } from './partition-progress';

jest.mock('@alertlark/lark', () => ({ ...jest.requireActual('@alertlark/lark'), postToLark: jest.fn() }));
const post = postToLark as jest.MockedFunction<typeof postToLark>;

const delivered: LarkPostResult = { kind: 'response', httpStatus: 200, code: 0, outcome: 'ok', reason: 'ok', ok: true, rateLimited: false, transient: false, permanent: false, retryable: false, durationMs: 5 };

const env = {
  LARK_RATE_PER_SECOND: 5,
  LARK_RATE_PER_MINUTE: 100,
  LARK_RATE_MARGIN_MS: 250,
  LARK_REQUEST_TIMEOUT_MS: 5_000,
  LARK_DELIVERY_DEADLINE_MS: 600_000,
  LARK_DIGEST_AFTER_MS: 10_000,
  LARK_SENDER_CONCURRENCY: 32,
  LARK_DISPATCH_POLL_MS: 50,
  ALERTLARK_CONSOLE_URL: 'http://console',
} as LarkSenderEnv;

const chatbot = (id: string, token: string): NotificationObjectConfig => ({ id, teamId: 't1', name: id, webhookUrlEncrypted: `https://open.feishu.cn/open-apis/bot/v2/hook/${token}`, keywords: ['alert'] });

/** A sender replica owning partition 0, with Lark answering at once; what each webhook was sent, and when. */
function sender(objects: NotificationObjectConfig[], options: { failingBotKey?: string } = {}) {
  const queues = new BotQueues();
  queues.assign(new Set([0]));
  const progress = new PartitionProgress();
  const ledger: DeliveryLedgerEntry[] = [];
  const kafka = { producer: () => ({ connect: async () => undefined, disconnect: async () => undefined, sendBatch: async () => undefined }) };
  const publisher = { publish: async () => undefined, publishEncoded: async (_topics: readonly TopicMessages[]) => undefined };
  const byId = new Map(objects.map((object) => [object.id, object]));
  const logger = { event: () => undefined } as unknown as JsonLogger;
  const stepsTried = new Map<string, number[]>();
  const rateWindows = {
    get: async (botKey: string) => {
      stepsTried.set(botKey, [...(stepsTried.get(botKey) ?? []), Date.now()]);
      if (botKey === options.failingBotKey) throw new Error('MongoServerSelectionError: connection refused');
      return [];
    },
    save: async () => undefined,
  } as unknown as BotRateWindowRepository;
  const deliver = new DeliverBatchUseCase(
    kafka as unknown as Kafka,
    { view: { notificationObject: (_teamId: string, id: string) => byId.get(id), isDeletedObject: () => false } } as unknown as ConfigFeed,
    publisher as unknown as EventPublisher,
    { recordMany: async (rows: DeliveryLedgerEntry[]) => void ledger.push(...rows) } as unknown as DeliveryLedgerRepository,
    { send: async () => { throw new Error('no app bot in this spec'); } } as unknown as AppBotCards,
    progress,
    rateWindows,
    queues,
    { open: (sealed: string) => sealed } as unknown as SecretBox,
    logger,
    env,
    { consoleUrl: 'http://console', actionKeys: parseActionTokenKeys(`k1:${'ab'.repeat(32)}`), actionTtlMs: 86_400_000 },
    new Registry(),
  );
  const dispatcher = new DeliveryDispatcher(queues, deliver, rateWindows, logger, env, new Registry());
  const requests = new Map<string, number[]>();
  post.mockImplementation(async (url) => {
    requests.set(url, [...(requests.get(url) ?? []), Date.now()]);
    return delivered;
  });
  let offset = 0;
  /** A notification of its own alert group for chatbot `objectId`, keyed as the router keys it. */
  const notify = (objectId: string, botKey: string) => {
    const id = `n${offset}`;
    const notification: NotificationEvent = {
      notificationId: id,
      teamId: 't1',
      objectId,
      policyId: `p-${objectId}`,
      groupKey: `p-${objectId}:{alertname="A${offset}"}`,
      groupLabels: [{ name: 'alertname', value: `A${offset}` }],
      status: 'firing',
      alerts: [{ fingerprint: id, status: 'firing', labels: [{ name: 'alertname', value: `A${offset}` }], annotations: [], startsAt: '2026-11-24T10:00:00Z' }],
      createdAt: '2026-11-24T10:00:00Z',
    };
    const entry: InboxEntry = { _id: id, partition: 0, offset: String(offset), botKey, objectId, receivedAt: new Date(), notification };
    progress.take(0, offset++);
    queues.add(entry);
  };
  /** Queues a notification as it is given, keyed by `botKey`. */
  const add = (notification: NotificationEvent, botKey: string) => {
    queues.add({ _id: notification.notificationId, partition: 0, offset: String(offset), botKey, objectId: notification.objectId, receivedAt: new Date(), notification });
    progress.take(0, offset++);
  };
  return { dispatcher, notify, add, requests, ledger, stepsTried, progress };
}

/** The most requests in any second and any minute, as Lark would count them (`busiestWindow`). */
function busiest(instants: readonly number[]): { second: number; minute: number } {
  const messages = instants.map((at) => ({ accepted: true, receivedAt: new Date(at).toISOString() }));
  return { second: busiestWindow(messages, 1_000), minute: busiestWindow(messages, 60_000) };
}

/** Two chatbots each told of a new group every 200 ms (10 notifications a second between them) for two minutes. */
async function storm(objects: [NotificationObjectConfig, NotificationObjectConfig], botKeys: [string, string]) {
  const replica = sender(objects);
  replica.dispatcher.onApplicationBootstrap();
  for (let step = 0; step < 600; step++) {
    replica.notify(objects[0].id, botKeys[0]);
    replica.notify(objects[1].id, botKeys[1]);
    await jest.advanceTimersByTimeAsync(200);
  }
  await replica.dispatcher.beforeApplicationShutdown();
  return replica;
}

describe('DeliveryDispatcher: one rate budget per webhook', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00Z') });
    post.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('two chatbots on one webhook, both with backlogs, never send it more than 5 in a second or 100 in a minute', async () => {
    const { requests, ledger } = await storm([chatbot('nobj_a', 'shared'), chatbot('nobj_b', 'shared')], ['wh_shared', 'wh_shared']);
    const instants = requests.get('https://open.feishu.cn/open-apis/bot/v2/hook/shared')!;
    expect([...requests.keys()]).toHaveLength(1);
    expect(busiest(instants)).toEqual({ second: 5, minute: 100 });
    // The budget was spent on both chatbots' notifications (digests of both).
    expect(new Set(ledger.map((row) => row.objectId))).toEqual(new Set(['nobj_a', 'nobj_b']));
  });

  it('two chatbots on two webhooks: a budget each', async () => {
    const { requests } = await storm([chatbot('nobj_a', 'one'), chatbot('nobj_b', 'two')], ['wh_one', 'wh_two']);
    expect(busiest(requests.get('https://open.feishu.cn/open-apis/bot/v2/hook/one')!)).toEqual({ second: 5, minute: 100 });
    expect(busiest(requests.get('https://open.feishu.cn/open-apis/bot/v2/hook/two')!)).toEqual({ second: 5, minute: 100 });
    expect(busiest([...requests.values()].flat()).second).toBeGreaterThan(5);
  });
});

describe('DeliveryDispatcher: a bot whose step fails backs off on its own', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00Z') });
    post.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('a bot failing on MongoDB is retried less and less often, while another bot keeps its pace', async () => {
    const replica = sender([chatbot('nobj_a', 'broken'), chatbot('nobj_b', 'fine')], { failingBotKey: 'wh_broken' });
    replica.dispatcher.onApplicationBootstrap();
    for (let step = 0; step < 600; step++) {
      replica.notify('nobj_a', 'wh_broken');
      replica.notify('nobj_b', 'wh_fine');
      await jest.advanceTimersByTimeAsync(200);
    }
    await replica.dispatcher.beforeApplicationShutdown();

    // Two minutes: retried every second that would be ~120 tries; backing off up to a minute, a handful.
    const tries = replica.stepsTried.get('wh_broken')!;
    expect(tries.length).toBeGreaterThan(3);
    expect(tries.length).toBeLessThan(20);
    expect(replica.requests.get('https://open.feishu.cn/open-apis/bot/v2/hook/broken')).toBeUndefined();
    expect(busiest(replica.requests.get('https://open.feishu.cn/open-apis/bot/v2/hook/fine')!)).toEqual({ second: 5, minute: 100 });
  });
});

describe('DeliveryDispatcher: a follow-up is a card of its own', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00Z') });
    post.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('queued between two notifications of its group: the group\'s card of the newest, then the follow-up\'s', async () => {
    const replica = sender([chatbot('nobj_a', 'one')]);
    const incident = incidentViewSchema.parse({ id: 'inc_1', openedAt: 0, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null });
    const group = (id: string, firing: number, extra: Partial<NotificationEvent> = {}): NotificationEvent => ({
      notificationId: id,
      teamId: 't1',
      objectId: 'nobj_a',
      policyId: 'p1',
      groupKey: 'p1:{alertname="HighCPU"}',
      groupLabels: [{ name: 'alertname', value: 'HighCPU' }],
      status: 'firing',
      alerts: [{ fingerprint: 'f', status: 'firing', labels: [{ name: 'alertname', value: 'HighCPU' }], annotations: [], startsAt: '2026-11-24T09:00:00Z' }],
      totals: { firing, resolved: 0 },
      groupId: 'grp_1',
      incident,
      createdAt: '2026-11-24T10:00:00Z',
      ...extra,
    });
    replica.add(group('a1', 2), 'wh_one');
    replica.add(group('f1', 3, { incident: { ...incident, state: 'claimed', claimedBy: { name: 'Alice', verified: true }, claimedAt: 1 }, followUp: { action: 'claim', actor: { name: 'Alice', verified: true } } }), 'wh_one');
    replica.add(group('a2', 3, { incident: { ...incident, state: 'claimed', claimedBy: { name: 'Alice', verified: true }, claimedAt: 1 } }), 'wh_one');
    replica.dispatcher.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2_000);
    await replica.dispatcher.beforeApplicationShutdown();

    const titles = post.mock.calls.map((call) => (call[1] as { card: { header: { title: { content: string } } } }).card.header.title.content);
    expect(titles).toEqual(['[FIRING:3] HighCPU', 'Alice claimed [FIRING:3] HighCPU']);
    expect(JSON.stringify(post.mock.calls[0]![1])).toContain('Claimed by Alice');
    expect(replica.ledger.map((row) => row._id)).toEqual(['a1', 'a2', 'f1']);
  });
});

describe('DeliveryDispatcher: shutdown', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00Z') });
    post.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('starts no request once shutdown has begun (destroy hooks run before the consumer stops)', async () => {
    const replica = sender([chatbot('nobj_a', 'one')]);
    replica.dispatcher.onApplicationBootstrap();
    replica.dispatcher.onModuleDestroy();
    replica.notify('nobj_a', 'wh_one');
    replica.dispatcher.wake();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(replica.requests.size).toBe(0);
    expect(replica.progress.committable(0)).toBe('0');
    await replica.dispatcher.beforeApplicationShutdown();
  });

  it('a step that never ends (its outcome cannot be recorded) is given up after the grace, its notification left uncommitted', async () => {
    const replica = sender([chatbot('nobj_a', 'one')]);
    post.mockImplementation(() => new Promise<LarkPostResult>(() => undefined));
    replica.dispatcher.onApplicationBootstrap();
    replica.notify('nobj_a', 'wh_one');
    await jest.advanceTimersByTimeAsync(100);
    expect(post).toHaveBeenCalledTimes(1);
    let done = false;
    const shutdown = replica.dispatcher.beforeApplicationShutdown().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(SHUTDOWN_GRACE_MS - 1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await shutdown;
    expect(replica.progress.committable(0)).toBe('0');
  });

  it('waits for a step in flight that finishes within the grace, and its notification is committable', async () => {
    const replica = sender([chatbot('nobj_a', 'one')]);
    post.mockImplementation(() => new Promise<LarkPostResult>((resolve) => setTimeout(() => resolve(delivered), 2_000)));
    replica.dispatcher.onApplicationBootstrap();
    replica.notify('nobj_a', 'wh_one');
    await jest.advanceTimersByTimeAsync(100);
    const shutdown = replica.dispatcher.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(2_000);
    await shutdown;
    expect(replica.ledger.map((row) => row._id)).toEqual(['n0']);
    expect(replica.progress.committable(0)).toBe('1');
  });
});
