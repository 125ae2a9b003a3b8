import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { DeliveryEvent, NotificationEvent, NotificationObjectConfig } from '@alertlark/contracts';
import { ConfigView, PermanentEventError, type ConfigFeed, type EventPublisher } from '@alertlark/kafka';
import type { DeliveryLedgerEntry, DeliveryLedgerRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { WORKSPACE_ROOT, requestJson, startProcess, waitReady, type RunningProcess } from '@alertlark/testing';
import { DeliverNotificationUseCase } from './deliver-notification.usecase';
import type { LarkSenderEnv } from './lark-sender.env';

const EMULATOR = 'http://127.0.0.1:15100';
const BOT = 'sender-spec-bot';

/** The sender against the real Lark emulator process, with faults injected; Kafka and the ledger are recorded in memory. */
describe('DeliverNotificationUseCase against the Lark emulator', () => {
  let emulator: RunningProcess;
  const box = new SecretBox(randomBytes(32));
  let deliveries: DeliveryEvent[];
  let ledger: Map<string, DeliveryLedgerEntry>;
  let useCase: DeliverNotificationUseCase;

  const object = (keywords: string[]): NotificationObjectConfig => ({
    id: 'o1',
    teamId: 't1',
    name: 'oncall',
    webhookUrlEncrypted: box.encrypt(`${EMULATOR}/open-apis/bot/v2/hook/${BOT}`),
    secretEncrypted: box.encrypt('spec-secret'),
    keywords,
  });
  const notification = (id: string): NotificationEvent => ({
    notificationId: id,
    teamId: 't1',
    objectId: 'o1',
    policyId: 'p1',
    groupKey: 'p1:{alertname="Down"}',
    groupLabels: [{ name: 'alertname', value: 'Down' }],
    status: 'firing',
    alerts: [{ fingerprint: '0123456789abcdef', status: 'firing', labels: [{ name: 'alertname', value: 'Down' }], annotations: [], startsAt: new Date().toISOString() }],
    createdAt: new Date().toISOString(),
  });
  const received = async () =>
    (await requestJson<{ messages: { accepted: boolean; code: number | null }[] }>('GET', `${EMULATOR}/_emulator/messages?token=${BOT}`)).body.messages;
  const inject = (faults: unknown[]) => requestJson('POST', `${EMULATOR}/_emulator/faults`, { body: { token: BOT, faults } });

  const build = (keywords = ['alert']) => {
    const view = new ConfigView();
    view.apply({ type: 'object.upserted', object: object(keywords) });
    const publisher = { publish: async (_c: unknown, events: { value: DeliveryEvent }[]) => void deliveries.push(...events.map((e) => e.value)) };
    const ledgerRepo = {
      isFinished: async (id: string) => ledger.has(id),
      record: async (entry: DeliveryLedgerEntry) => void (ledger.has(entry._id) || ledger.set(entry._id, entry)),
    };
    const env = { ALERTLARK_CONSOLE_URL: 'http://console.local', LARK_REQUEST_TIMEOUT_MS: 500, LARK_DELIVERY_DEADLINE_MS: 2_500 } as LarkSenderEnv;
    useCase = new DeliverNotificationUseCase(
      { view } as ConfigFeed,
      publisher as unknown as EventPublisher,
      ledgerRepo as unknown as DeliveryLedgerRepository,
      box,
      env,
      new Registry(),
    );
  };

  beforeAll(async () => {
    emulator = startProcess('lark-emulator', 'lark-emulator', { LARK_EMULATOR_PORT: '15100' }, path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', 'sender-spec'));
    await waitReady(`${EMULATOR}/_emulator/healthz`);
    await requestJson('POST', `${EMULATOR}/_emulator/bots`, { body: { token: BOT, secret: 'spec-secret', keywords: ['alert'] } });
  });
  afterAll(() => emulator?.stop());
  beforeEach(async () => {
    deliveries = [];
    ledger = new Map();
    await requestJson('DELETE', `${EMULATOR}/_emulator/messages`);
    await requestJson('DELETE', `${EMULATOR}/_emulator/faults`);
    build();
  });

  it('delivers a signed card once, records it, and ignores a redelivery', async () => {
    await useCase.execute(notification('n1'));
    await useCase.execute(notification('n1'));
    expect(await received()).toEqual([expect.objectContaining({ accepted: true, code: 0 })]);
    expect(deliveries).toEqual([expect.objectContaining({ outcome: 'delivered', attempt: 1, larkCode: 0, alertCount: 1 })]);
    expect(ledger.get('n1')).toMatchObject({ outcome: 'delivered', attempts: 1 });
  });

  it.each([
    ['a 5xx answer', { kind: 'http5xx', status: 503 }],
    ['a rate-limit answer (11232)', { kind: 'rate-limit' }],
    ['a timeout', { kind: 'timeout', ms: 1_000 }],
  ])('retries after %s and then delivers', async (_case, fault) => {
    await inject([fault]);
    await useCase.execute(notification('n2'));
    expect(deliveries.map((d) => d.outcome)).toEqual(['retrying', 'delivered']);
    expect(ledger.get('n2')).toMatchObject({ outcome: 'delivered', attempts: 2 });
  });

  it('does not retry a permanent error (19024, keyword not found) and records it', async () => {
    await requestJson('POST', `${EMULATOR}/_emulator/bots`, { body: { token: BOT, secret: 'spec-secret', keywords: ['zebra-9'] } });
    build(['not-the-bots-keyword']);
    try {
      await useCase.execute(notification('n3'));
    } finally {
      await requestJson('POST', `${EMULATOR}/_emulator/bots`, { body: { token: BOT, secret: 'spec-secret', keywords: ['alert'] } });
    }
    expect(await received()).toHaveLength(1);
    expect(deliveries).toEqual([expect.objectContaining({ outcome: 'failed', larkCode: 19024 })]);
    expect(ledger.get('n3')).toMatchObject({ outcome: 'failed', larkCode: 19024 });
  });

  it('gives up after the deadline so the notification is dead-lettered, not lost', async () => {
    await inject(Array.from({ length: 50 }, () => ({ kind: 'http5xx', status: 500 })));
    await expect(useCase.execute(notification('n4'))).rejects.toThrow(PermanentEventError);
    expect(deliveries.length).toBeGreaterThan(1);
    expect(deliveries.at(-1)).toMatchObject({ outcome: 'failed', httpStatus: 500 });
    expect(ledger.has('n4')).toBe(false);
  });
});
