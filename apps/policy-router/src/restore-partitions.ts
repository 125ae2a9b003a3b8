import type { Kafka } from 'kafkajs';
import type { routerStateContract } from '@alertlark/contracts';
import { BatchConsumer, type EventPublisher } from '@alertlark/kafka';
import { PartitionState } from './partition-state';

/**
 * Every consumer of the router fetches at most this much at a time: fetched records wait in
 * kafkajs's buffers until handled, and kafkajs's default (10 MB) kept RSS far above the state.
 */
export const ROUTER_FETCH_BYTES = 2 * 1_048_576;

/**
 * Rebuilds the state of the given partitions from the router's changelog: the live consumer run to
 * the end offsets present now. A record that fails its contract is dead-lettered by the consumer
 * and restores nothing; a record under a key of the wrong shape is logged and skipped.
 */
export async function restorePartitions(
  kafka: Kafka,
  publisher: EventPublisher,
  changelog: ReturnType<typeof routerStateContract>,
  partitions: ReadonlySet<number>,
  maxGroupMembers: number,
  log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void,
): Promise<Map<number, PartitionState>> {
  const states = new Map([...partitions].map((partition) => [partition, new PartitionState(partition, maxGroupMembers)]));
  const restore = new BatchConsumer(kafka, {
    name: 'policy-router.restore',
    groupId: `${changelog.topic}.restore`,
    contracts: [changelog],
    fromBeginning: true,
    publisher,
    log,
    untilEnd: { partitions },
    maxBytesPerFetch: ROUTER_FETCH_BYTES,
    handleBatch: async (batch) => {
      const state = states.get(batch.partition);
      if (!state) return;
      for (const event of batch.events) {
        if (event.key === null || !state.restore(event.key, event.value)) log('warn', 'changelog record skipped: its key does not fit', { partition: batch.partition, offset: event.offset, key: event.key });
      }
    },
  });
  await restore.run();
  for (const state of states.values()) state.dropOrphans();
  return states;
}
