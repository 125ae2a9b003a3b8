import { ConfigResourceTypes, ConfigSource, type Admin, type Kafka } from 'kafkajs';
import { EVENTS, type EventContract } from '@alertlark/contracts';
import { TOPIC_MAX_MESSAGE_BYTES } from './message-size';

export interface TopicReadinessOptions {
  /** Give up after this long; a broker that elects no leader in this time is not coming. */
  deadlineMs?: number;
  retryDelayMs?: number;
}

/**
 * How durable a new topic is: its replication factor and `min.insync.replicas`. With acks = -1 (every
 * producer here) a write is acknowledged once that many replicas have it, so 3 and 2 survive one
 * broker lost without refusing writes; a single local broker needs 1 and 1.
 */
export interface TopicSettings {
  replicationFactor: number;
  minInsyncReplicas: number;
}

const MIN_INSYNC_REPLICAS_CONFIG = 'min.insync.replicas';

/**
 * Held per client rather than passed to each `ensureTopics`: the settings belong to the cluster the
 * client talks to, and every service creates topics through its one client from several places
 * (its contracts at start, the router's and console's changelogs).
 */
const topicSettings = new WeakMap<Kafka, TopicSettings>();

export function useTopicSettings(kafka: Kafka, settings: TopicSettings): void {
  topicSettings.set(kafka, settings);
}

/**
 * Creates the topics a service uses if they are missing, with the partition counts and cleanup
 * policy the contracts declare (auto-creation would give compacted config topics the wrong policy)
 * and `max.message.bytes` set to TOPIC_MAX_MESSAGE_BYTES, raises it on topics found with less, and
 * returns only once every partition answers from its leader. Services start together on a
 * fresh broker: one creates the topics while another already sees them listed but leaderless, and
 * its first offset request would fail with "not the leader".
 */
export async function ensureTopics(
  kafka: Kafka,
  contracts: readonly EventContract[] = Object.values(EVENTS),
  options: TopicReadinessOptions = {},
): Promise<void> {
  const admin = kafka.admin();
  const settings = topicSettings.get(kafka);
  await admin.connect();
  try {
    await createMissingTopics(admin, contracts, settings);
    await growPartitions(admin, contracts);
    const topics = contracts.map((contract) => contract.topic);
    await waitForLeaders(admin, topics, options);
    await checkTopicConfigs(admin, topics, settings);
  } finally {
    await admin.disconnect();
  }
}

async function createMissingTopics(admin: Admin, contracts: readonly EventContract[], settings: TopicSettings | undefined): Promise<void> {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = contracts.filter((contract) => !existing.has(contract.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((contract) => ({
        topic: contract.topic,
        numPartitions: contract.partitions,
        ...(settings ? { replicationFactor: settings.replicationFactor } : {}),
        configEntries: [
          { name: MAX_MESSAGE_BYTES_CONFIG, value: String(TOPIC_MAX_MESSAGE_BYTES) },
          ...(settings ? [{ name: MIN_INSYNC_REPLICAS_CONFIG, value: String(settings.minInsyncReplicas) }] : []),
          ...(contract.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
        ],
      })),
    });
  } catch (error) {
    // Another service may have created the same topic a moment earlier.
    if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
  }
}

/**
 * A topic created when its contract asked for fewer partitions gets the missing ones. Partition
 * counts are part of the contract: alerts and the router's changelog are co-partitioned, and a
 * replica restores partition p of one for partition p of the other.
 */
async function growPartitions(admin: Admin, contracts: readonly EventContract[]): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: contracts.map((contract) => contract.topic) });
  const short = contracts.flatMap((contract) => {
    const found = topics.find((topic) => topic.name === contract.topic);
    return found && found.partitions.length < contract.partitions ? [{ topic: contract.topic, count: contract.partitions }] : [];
  });
  if (short.length === 0) return;
  try {
    await admin.createPartitions({ topicPartitions: short, validateOnly: false });
  } catch (error) {
    // Another service grew it a moment earlier.
    if (!(error instanceof Error && /already has|INVALID_PARTITIONS/i.test(`${error.message} ${(error as { type?: string }).type ?? ''}`))) throw error;
  }
}

const MAX_MESSAGE_BYTES_CONFIG = 'max.message.bytes';

/** Reads the topics' settings once: for the `min.insync.replicas` check and the `max.message.bytes` raise. */
async function checkTopicConfigs(admin: Admin, topics: readonly string[], settings: TopicSettings | undefined): Promise<void> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
  if (settings) {
    for (const { topic, found } of minInsyncShortfalls(resources, settings.minInsyncReplicas)) {
      admin.logger().warn(`${topic} has ${MIN_INSYNC_REPLICAS_CONFIG}=${found}, fewer than the ${settings.minInsyncReplicas} configured: an acknowledged write may be on fewer replicas than intended; raise it on the topic`, { topic, found, configured: settings.minInsyncReplicas });
    }
  }
  await raiseMessageLimits(admin, resources);
}

/**
 * Topics made before the setting (or by hand) with a lower `min.insync.replicas`. They are reported,
 * not changed: raising it on a topic with too few replicas would stop every write to it.
 */
export function minInsyncShortfalls(described: readonly TopicConfigs[], configured: number): { topic: string; found: number }[] {
  return described.flatMap(({ resourceName, configEntries }) => {
    const found = Number(configEntries.find((entry) => entry.configName === MIN_INSYNC_REPLICAS_CONFIG)?.configValue);
    return found < configured ? [{ topic: resourceName, found }] : [];
  });
}

/**
 * A topic made before its `max.message.bytes` was set (by an older release, by hand, or auto-created
 * with the broker's 1 MiB default) would refuse what the producers send, and keep refusing: it is
 * raised, and the change logged. A larger value, an operator's, is kept. A topic that cannot be
 * raised (no AlterConfigs permission) stops the service at start, naming the setting.
 */
async function raiseMessageLimits(admin: Admin, resources: readonly TopicConfigs[]): Promise<void> {
  const changes = messageLimitChanges(resources);
  if (changes.length === 0) return;
  try {
    await admin.alterConfigs({ validateOnly: false, resources: changes.map(({ topic, configEntries }) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configEntries })) });
  } catch (error) {
    const names = changes.map((change) => change.topic).join(', ');
    throw new Error(`cannot set ${MAX_MESSAGE_BYTES_CONFIG}=${TOPIC_MAX_MESSAGE_BYTES} on ${names}: ${(error as Error).message}; set it on those topics, or allow this client AlterConfigs`, { cause: error });
  }
  for (const { topic, from } of changes) admin.logger().warn(`raised ${MAX_MESSAGE_BYTES_CONFIG} of ${topic}`, { topic, from, to: TOPIC_MAX_MESSAGE_BYTES });
}

export interface TopicConfigs {
  resourceName: string;
  configEntries: readonly { configName: string; configValue: string; configSource: ConfigSource }[];
}

/**
 * The topics whose `max.message.bytes` is below `limit`, with the overrides to set. AlterConfigs
 * (kafkajs has no incremental variant) replaces all of a topic's own settings, so those it has
 * (`cleanup.policy` of a compacted topic, an operator's `retention.ms`) are sent again unchanged.
 */
export function messageLimitChanges(described: readonly TopicConfigs[], limit: number = TOPIC_MAX_MESSAGE_BYTES): { topic: string; from: number; configEntries: { name: string; value: string }[] }[] {
  return described.flatMap(({ resourceName, configEntries }) => {
    const from = Number(configEntries.find((entry) => entry.configName === MAX_MESSAGE_BYTES_CONFIG)?.configValue);
    if (from >= limit) return [];
    const own = configEntries.filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG && entry.configName !== MAX_MESSAGE_BYTES_CONFIG);
    return [{ topic: resourceName, from, configEntries: [...own.map((entry) => ({ name: entry.configName, value: entry.configValue })), { name: MAX_MESSAGE_BYTES_CONFIG, value: String(limit) }] }];
  });
}

/** Asks each topic for its offsets until every partition's leader answers, refreshing metadata between tries. */
export async function waitForLeaders(admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchTopicMetadata'>, topics: readonly string[], options: TopicReadinessOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  const retryDelayMs = options.retryDelayMs ?? 250;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (!isRetriable(error) || Date.now() + retryDelayMs > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
        await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      }
    }
  }
}

/** kafkajs marks leadership and availability errors (not the leader, leader not available, unknown partition) retriable. */
function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
