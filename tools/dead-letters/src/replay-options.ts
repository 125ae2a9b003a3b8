import { parseArgs } from 'node:util';
import { REPLAYABLE_TOPICS, type ReplayFilter } from './replay-selection';

export interface ReplayOptions {
  filter: ReplayFilter;
  dryRun: boolean;
  fromBeginning: boolean;
}

export type ParsedReplayArgs = { kind: 'run'; options: ReplayOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = `Usage: npm run replay-dead-letters -- [options]

Republishes entries of alertlark.dead-letter.v1 to the topic they came from, each once: the
consumer group <ALERTLARK_CONSUMER_GROUP_PREFIX>.dead-letter-replay (alertlark.dead-letter-replay)
remembers how far earlier runs read. Reads up to the topic's end as it is at start, then stops.

  --source-topic <topic>  only entries from this topic (${REPLAYABLE_TOPICS.join(', ')})
  --consumer <name>       only entries this consumer dead-lettered (e.g. lark-sender, policy-router)
  --key <key>             only entries whose message key is this (a notification's webhook key, wh_...)
  --since <time>          only entries dead-lettered at or after this ISO 8601 time
  --dry-run               print what would be replayed; publish nothing, move no offsets
  --from-beginning        read the dead-letter topic from its start, not from where the last run stopped
  --help                  this text

Env: KAFKA_BROKERS (default 127.0.0.1:9092), ALERTLARK_CONSUMER_GROUP_PREFIX (default alertlark).
Output: one JSON line per replayed entry, then {"replayed":N,"skipped":N,"dryRun":bool}.`;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** The command line, checked before anything is read: a mistyped filter must not replay everything. */
export function parseReplayArgs(args: readonly string[]): ParsedReplayArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        'source-topic': { type: 'string' },
        consumer: { type: 'string' },
        key: { type: 'string' },
        since: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'from-beginning': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values['help']) return { kind: 'help' };
  const filter: ReplayFilter = {};
  const sourceTopic = values['source-topic'] as string | undefined;
  if (sourceTopic !== undefined) {
    if (!REPLAYABLE_TOPICS.includes(sourceTopic)) return { kind: 'error', message: `--source-topic must be one of ${REPLAYABLE_TOPICS.join(', ')}; got ${JSON.stringify(sourceTopic)}` };
    filter.sourceTopic = sourceTopic;
  }
  for (const name of ['consumer', 'key'] as const) {
    const value = values[name] as string | undefined;
    if (value === undefined) continue;
    if (value === '') return { kind: 'error', message: `--${name} must not be empty` };
    filter[name] = value;
  }
  const since = values['since'] as string | undefined;
  if (since !== undefined) {
    const time = Date.parse(since);
    if (!ISO_TIME.test(since) || Number.isNaN(time)) return { kind: 'error', message: `--since must be an ISO 8601 time such as 2026-11-24T00:00:00Z; got ${JSON.stringify(since)}` };
    filter.since = new Date(time);
  }
  return { kind: 'run', options: { filter, dryRun: values['dry-run'] === true, fromBeginning: values['from-beginning'] === true } };
}
