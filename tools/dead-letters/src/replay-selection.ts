import { EVENTS, deadLetterEventSchema, type DeadLetterEvent, type EventContract } from '@alertlark/contracts';
import { decodeEvent } from '@alertlark/kafka';

/** What an operator narrows a replay to; an absent field matches everything. */
export interface ReplayFilter {
  sourceTopic?: string;
  consumer?: string;
  key?: string;
  since?: Date;
}

export type ReplaySelection =
  | { replay: true; entry: DeadLetterEvent & { value: string } }
  | { replay: false; reason: string; entry?: DeadLetterEvent };

/**
 * The topics a dead letter may go back to. Compacted topics (the configuration, the router's
 * changelog) are left out: they are last-writer-wins, so an old entry replayed would undo every
 * later change of the same key (change configuration through the console instead); so is the
 * dead-letter topic itself.
 */
const REPLAYABLE: ReadonlyMap<string, EventContract> = new Map(
  Object.values(EVENTS)
    .filter((contract: EventContract) => !contract.compacted && contract.topic !== EVENTS.deadLetter.topic)
    .map((contract) => [contract.topic, contract] as const),
);

export const REPLAYABLE_TOPICS: readonly string[] = [...REPLAYABLE.keys()];

/**
 * Whether one message of the dead-letter topic is replayed. It must be a dead-letter entry, match
 * the filter, come from a topic that can take it back, and carry a value that passes that topic's
 * contract today: a value that still fails would only be dead-lettered again (it may pass after
 * a contract change, and then it is replayed).
 */
export function selectForReplay(message: Buffer | string | null, filter: ReplayFilter): ReplaySelection {
  const decoded = decodeEvent(deadLetterEventSchema, message);
  if (!decoded.ok) return { replay: false, reason: `not a dead-letter entry: ${decoded.reason}` };
  const entry = decoded.value;
  const skip = (reason: string): ReplaySelection => ({ replay: false, reason, entry });
  if (filter.sourceTopic !== undefined && entry.sourceTopic !== filter.sourceTopic) return skip(`source topic ${entry.sourceTopic} is not ${filter.sourceTopic}`);
  if (filter.consumer !== undefined && entry.consumer !== filter.consumer) return skip(`consumer ${entry.consumer} is not ${filter.consumer}`);
  if (filter.key !== undefined && entry.key !== filter.key) return skip(`key ${JSON.stringify(entry.key)} is not ${JSON.stringify(filter.key)}`);
  if (filter.since !== undefined) {
    const at = Date.parse(entry.at);
    if (Number.isNaN(at)) return skip(`its time ${JSON.stringify(entry.at)} is unreadable, so it cannot be compared with --since`);
    if (at < filter.since.getTime()) return skip(`dead-lettered at ${entry.at}, before ${filter.since.toISOString()}`);
  }
  const contract = REPLAYABLE.get(entry.sourceTopic);
  if (!contract) return skip(`source topic ${entry.sourceTopic} is not replayable (one of ${REPLAYABLE_TOPICS.join(', ')})`);
  if (entry.value === null) return skip('the entry holds no value');
  const valid = decodeEvent(contract.schema, entry.value);
  if (!valid.ok) return skip(`the value still fails the contract of ${entry.sourceTopic} (${valid.reason}); replayed, it would be dead-lettered again`);
  return { replay: true, entry: { ...entry, value: entry.value } };
}
