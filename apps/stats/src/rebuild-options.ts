import { parseArgs } from 'node:util';

export interface RebuildOptions {
  /** The database to rebuild into; absent: the one MONGO_URL names. */
  database?: string;
}

export type ParsedRebuildArgs = { kind: 'run'; options: RebuildOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const REBUILD_USAGE = `Usage: npm run stats:rebuild -- [--database <name>]

Rebuilds the daily-statistics projection (collections stats_alert_notices, stats_card_attempts)
from Kafka: empties those collections in the target database, then replays
alertlark.notifications.v1 and alertlark.deliveries.v1 from their beginning up to the end offsets
taken at start, in a throwaway consumer group (<ALERTLARK_CONSUMER_GROUP_PREFIX>.stats-rebuild.<id>,
deleted afterwards), and prints one JSON line of figures.

  --database <name>  rebuild into this database on MONGO_URL's server (default: MONGO_URL's own,
                     the one the stats service and the console read)
  --help             this text

Env: KAFKA_BROKERS (default 127.0.0.1:9092), MONGO_URL (default mongodb://127.0.0.1:27017/alertlark),
ALERTLARK_CONSUMER_GROUP_PREFIX (default alertlark).`;

/** MongoDB's rules for a database name, kept to a portable subset. */
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

export function parseRebuildArgs(args: readonly string[]): ParsedRebuildArgs {
  let values: { database?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: { database: { type: 'string' }, help: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  if (values.database === undefined) return { kind: 'run', options: {} };
  if (!DATABASE_NAME.test(values.database)) {
    return { kind: 'error', message: `--database must be 1-63 letters, digits, "_" or "-"; got ${JSON.stringify(values.database)}` };
  }
  return { kind: 'run', options: { database: values.database } };
}
