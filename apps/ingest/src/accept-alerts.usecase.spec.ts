import { PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { Registry } from 'prom-client';
import { EVENTS, alertEventSchema } from '@alertlark/contracts';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, ProduceBacklogFullError, ProduceBatcher, alertPartition, type PublishSend, type TopicMessages } from '@alertlark/kafka';
import { alertEventsFromPrometheus, alertEventsFromWebhook } from '@alertlark/routing';
import { AcceptAlerts } from './accept-alerts.usecase';

const now = new Date('2026-11-24T10:00:00Z');

function setup(add: (sends: readonly PublishSend[]) => Promise<void> = async () => undefined, timeoutMs = 4_000) {
  const added: (readonly PublishSend[])[] = [];
  const batcher = { add: (sends: readonly PublishSend[]) => (added.push(sends), add(sends)) } as unknown as ProduceBatcher;
  const registry = new Registry();
  return { accept: new AcceptAlerts(batcher, registry, timeoutMs), added, registry };
}

describe('AcceptAlerts', () => {
  it("sends a request's alerts in one call, keyed team/fingerprint, on the team's partition, not parsed again", async () => {
    const { accept, added } = setup();
    const events = alertEventsFromPrometheus({ teamId: 'team_a', now }, [
      { labels: { alertname: 'A', instance: '1' }, annotations: {} },
      { labels: { alertname: 'B' }, annotations: {}, endsAt: '2026-11-24T09:00:00Z' },
    ]);
    await expect(accept.accept('team_a', events)).resolves.toEqual({ accepted: 2 });
    expect(added).toHaveLength(1);
    const [send] = added[0]!;
    expect(send).toMatchObject({ contract: EVENTS.alerts, valid: true });
    expect(send!.events.map((event) => [event.key, event.partition])).toEqual(events.map((event) => [`team_a/${event.fingerprint}`, alertPartition('team_a')]));
    expect(send!.events.every((event) => alertEventSchema.safeParse(event.value).success)).toBe(true);
  });

  it('counts accepted alerts by source and status only once Kafka has them', async () => {
    let ack!: () => void;
    const { accept, registry } = setup(() => new Promise((resolve) => (ack = resolve)));
    const events = alertEventsFromWebhook({ teamId: 'team_a', now }, {
      version: '4',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { a: '1' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z' },
        { status: 'firing', labels: { a: '2' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z' },
        { status: 'resolved', labels: { a: '3' }, annotations: {}, startsAt: '2026-11-24T09:00:00Z' },
      ],
    });
    const answered = accept.accept('team_a', events);
    const total = async () => (await registry.getSingleMetric('alertlark_ingest_alerts_total')!.get()).values.map((value) => [value.labels.status, value.value]);
    expect(await total()).toEqual([]);
    ack();
    await answered;
    expect(await total()).toEqual([
      ['firing', 2],
      ['resolved', 1],
    ]);
  });

  it("answers 503 when too many alerts wait for Kafka, and passes Kafka's own errors on (the error filter makes them 503)", async () => {
    const events = alertEventsFromPrometheus({ teamId: 'team_a', now }, [{ labels: { a: '1' }, annotations: {} }]);
    await expect(setup(() => Promise.reject(new ProduceBacklogFullError('60000 messages are waiting'))).accept.accept('team_a', events)).rejects.toBeInstanceOf(ServiceUnavailableException);
    const kafkaError = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });
    await expect(setup(() => Promise.reject(kafkaError)).accept.accept('team_a', events)).rejects.toBe(kafkaError);
  });

  it('answers 503 once the timeout passes without an acknowledgement (Kafka unreachable), and counts it', async () => {
    const events = alertEventsFromPrometheus({ teamId: 'team_a', now }, [{ labels: { a: '1' }, annotations: {} }]);
    const { accept, registry } = setup(() => new Promise(() => undefined), 50);
    const started = Date.now();
    const error = await accept.accept('team_a', events).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toMatchObject({ error: 'unavailable', message: expect.stringContaining('within 50 ms') });
    expect((await registry.getSingleMetric('alertlark_ingest_publish_timeouts_total')!.get()).values[0]?.value).toBe(1);
  });

  it('answers 413 naming the alert that no Kafka message can hold, before anything of the request is sent', async () => {
    const sent: TopicMessages[][] = [];
    const batcher = new ProduceBatcher({ publishEncoded: async (topics) => void sent.push([...topics]) }, { lingerMs: 0, maxPendingMessages: 100_000 });
    const accept = new AcceptAlerts(batcher, new Registry(), 4_000);
    const huge = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`a${index}`, 'x'.repeat(16_000)]));
    const events = alertEventsFromPrometheus({ teamId: 'team_a', now }, [
      { labels: { alertname: 'small' }, annotations: {} },
      { labels: { alertname: 'big' }, annotations: { summary: 'small' } },
      { labels: { alertname: 'big' }, annotations: huge },
    ]);
    const error = await accept.accept('team_a', events).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    expect((error as PayloadTooLargeException).getResponse()).toMatchObject({ error: 'payload_too_large', message: expect.stringMatching(new RegExp(`^alerts\\.2: .* over the ${MAX_MESSAGE_BYTES} bytes one Kafka message holds`)) });
    expect(sent).toEqual([]);
    // The kind the batcher refuses with, so the answer above is not a guess.
    await expect(batcher.add([{ contract: EVENTS.alerts, events: [{ key: 'k', value: events[2]! }], valid: true }])).rejects.toBeInstanceOf(MessageTooLargeError);
  });
});
