/** What every benchmark shares: its progress log on stderr, its Kafka client, the source it ran. */
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { WORKSPACE_ROOT } from './processes';

export type BenchLog = (message: string, fields?: Record<string, unknown>) => void;

/** Progress lines on stderr, `[<tag> HH:MM:SS.mmm] message {fields}`: stdout carries the one JSON line. */
export function benchLog(tag: string): BenchLog {
  return (message, fields = {}) => process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 23)}] ${message}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}\n`);
}

/** A kafkajs client whose warnings and errors go to the benchmark's log. */
export function createBenchKafka(clientId: string, brokers: string[], log: BenchLog): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10 },
    logCreator:
      () =>
      ({ level, namespace, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
        log(`kafkajs.${namespace} ${level === logLevel.ERROR ? 'error' : 'warn'}: ${message}`, rest);
      },
  });
}

/** The commit the services were built from (BENCH_SOURCE outside a git checkout), `+dirty` with changes. */
export function sourceRevision(): string {
  if (process.env.BENCH_SOURCE) return process.env.BENCH_SOURCE;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}
