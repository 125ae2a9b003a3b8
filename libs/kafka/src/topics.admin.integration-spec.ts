import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin } from 'kafkajs';
import { z } from 'zod';
import { createKafka } from './kafka.client';
import { TOPIC_MAX_MESSAGE_BYTES } from './message-size';
import { ensureTopics } from './topics.admin';

/** Topic settings as the real broker (Kafka 4.1 from tools/stack) reports them. */
describe('ensureTopics against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const kafka = new Kafka({ clientId: `topics-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const schema = z.object({ n: z.number() });
  const created = { topic: `test.topics-created.${run}`, schema, partitions: 2, compacted: true } as const;
  const existing = { topic: `test.topics-existing.${run}`, schema, partitions: 1, compacted: true } as const;
  const durable = { topic: `test.topics-durable.${run}`, schema, partitions: 2 } as const;
  let admin: Admin;

  const settings = async (topic: string) => {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return Object.fromEntries(resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]));
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [created.topic, existing.topic, durable.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates topics with max.message.bytes set explicitly, beside the contract\'s cleanup policy', async () => {
    await ensureTopics(kafka, [created]);
    expect(await settings(created.topic)).toMatchObject({ 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES), 'cleanup.policy': 'compact' });
  });

  it('creates topics with the client\'s replication factor and min.insync.replicas, set on the topic itself', async () => {
    // The local stack is one broker: a replication factor above 1 cannot be placed, but the broker
    // takes any min.insync.replicas, so 2 shows the setting is the client's and not a default.
    const client = createKafka({ clientId: `topics-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logStream: new PassThrough(), topics: { replicationFactor: 1, minInsyncReplicas: 2 } });
    await ensureTopics(client, [durable]);
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: durable.topic }] });
    expect(resources[0]!.configEntries.find((entry) => entry.configName === 'min.insync.replicas')).toMatchObject({ configValue: '2', configSource: ConfigSource.TOPIC_CONFIG });
    const { topics } = await admin.fetchTopicMetadata({ topics: [durable.topic] });
    expect(topics[0]!.partitions.map((partition) => partition.replicas.length)).toEqual([1, 1]);
  });

  it('without settings, a topic gets the broker\'s min.insync.replicas (not one of its own)', async () => {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: created.topic }] });
    expect(resources[0]!.configEntries.find((entry) => entry.configName === 'min.insync.replicas')!.configSource).not.toBe(ConfigSource.TOPIC_CONFIG);
  });

  it('raises max.message.bytes of a topic made with the broker default, keeping its own settings', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: existing.topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '3600000' }] }] });
    expect((await settings(existing.topic))['max.message.bytes']).toBe('1048588');
    await ensureTopics(kafka, [existing]);
    expect(await settings(existing.topic)).toMatchObject({ 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES), 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
  });
});
