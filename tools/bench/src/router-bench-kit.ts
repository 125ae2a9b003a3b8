/** What the router benchmarks share: their log, Kafka client, offsets and metrics helpers. */
import type { Admin, Kafka } from 'kafkajs';
import { benchLog, createBenchKafka } from './bench-kit';

export const log = benchLog('bench');

export function createRouterBenchKafka(brokers: string[]): Kafka {
  return createBenchKafka('bench-router', brokers, log);
}


export type Offsets = Map<number, number>;

export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.offset)]));
}

export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((answer?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
}

export const caughtUp = (committed: Offsets, target: Offsets) => [...target].every(([partition, end]) => (committed.get(partition) ?? -1) >= end);
export const total = (offsets: Offsets) => [...offsets.values()].reduce((sum, offset) => sum + offset, 0);

/** A fresh group starts exactly at these offsets, whatever the timing of its members' joins. */
export async function presetGroup(admin: Admin, groupId: string, topic: string, offsets: Offsets): Promise<void> {
  await admin.setOffsets({ groupId, topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
  const committed = await committedOffsets(admin, groupId, topic);
  if (!caughtUp(committed, offsets)) throw new Error(`presetting ${groupId} on ${topic} did not take`);
}

/** Sums the samples of a metric (by label filter) from a Prometheus text exposition. */
export function metricSum(text: string, name: string, label?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (label && !line.includes(label)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}
