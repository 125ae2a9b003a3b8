import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { z } from 'zod';
import { TOPIC_MAX_MESSAGE_BYTES } from './message-size';
import { ensureTopics } from './topics.admin';

/** Topic settings as the real broker (Kafka 4.1 from tools/stack) reports them. */
describe('ensureTopics against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const kafka = new Kafka({ clientId: `topics-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const schema = z.object({ n: z.number() });
  const created = { topic: `test.topics-created.${run}`, schema, partitions: 2, compacted: true } as const;
  const existing = { topic: `test.topics-existing.${run}`, schema, partitions: 1, compacted: true } as const;
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
    await admin.deleteTopics({ topics: [created.topic, existing.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates topics with max.message.bytes set explicitly, beside the contract\'s cleanup policy', async () => {
    await ensureTopics(kafka, [created]);
    expect(await settings(created.topic)).toMatchObject({ 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES), 'cleanup.policy': 'compact' });
  });

  it('raises max.message.bytes of a topic made with the broker default, keeping its own settings', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: existing.topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '3600000' }] }] });
    expect((await settings(existing.topic))['max.message.bytes']).toBe('1048588');
    await ensureTopics(kafka, [existing]);
    expect(await settings(existing.topic)).toMatchObject({ 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES), 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
  });
});
