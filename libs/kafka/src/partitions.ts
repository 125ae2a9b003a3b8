import { createHash } from 'node:crypto';
import { EVENTS } from '@alertlark/contracts';

/**
 * The partition a key is published to when the consumer needs to know it: whoever owns a
 * partition owns the state of every key on it (restored from that partition of its changelog).
 */
export function partitionForKey(key: string, partitions: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;
}

/**
 * Alerts are partitioned by team (their key stays `team/fingerprint`): the policy-router replica
 * owning a partition owns every alert, group and timer of the teams on it, so matching, grouping
 * and inhibition never look beyond one partition's memory.
 */
export function alertPartition(teamId: string, partitions: number = EVENTS.alerts.partitions): number {
  return partitionForKey(teamId, partitions);
}
