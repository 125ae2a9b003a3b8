import type { Kafka } from 'kafkajs';
import { EVENTS, type EventContract } from '@alertlark/contracts';

/**
 * Creates the topics a service uses if they are missing, with the partition counts and cleanup
 * policy the contracts declare (auto-creation would give compacted config topics the wrong policy).
 */
export async function ensureTopics(kafka: Kafka, contracts: readonly EventContract[] = Object.values(EVENTS)): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = contracts.filter((contract) => !existing.has(contract.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((contract) => ({
        topic: contract.topic,
        numPartitions: contract.partitions,
        configEntries: contract.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
  } catch (error) {
    // Another service may have created the same topic a moment earlier.
    if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
  } finally {
    await admin.disconnect();
  }
}
