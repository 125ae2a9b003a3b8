/** What every benchmark shares: its progress log on stderr, its Kafka client, the source it ran. */
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { WORKSPACE_ROOT, stopRequest } from './processes';

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

/** kafkajs' partitioner note silenced, its harmless negative-timer warning dropped, other process warnings logged. */
export function logProcessWarnings(log: BenchLog): void {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  // kafkajs 2.2.4 arms a timer with a negative delay on Node >= 23 (clamped to 1 ms): harmless.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') log(`warning: ${warning.message}`);
  });
}

/**
 * Runs a benchmark's main. A first SIGINT/SIGTERM sets `stopRequest`, so waits give up and the run
 * tears down as usual (`onStop` says what happens); a second one, or a teardown longer than
 * `graceMs`, runs `abandon` (stop what was started) and exits at once. A failure is logged, then
 * `abandon`, and the exit code is 1 (130 when stopped by a signal).
 */
export function runBench(main: () => Promise<void>, options: { log: BenchLog; abandon: () => Promise<unknown>; graceMs: number; onStop: string }): void {
  const { log, abandon } = options;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopRequest.reason) {
        void abandon().then(() => process.exit(130));
        return;
      }
      stopRequest.reason = signal;
      log(`${signal}: ${options.onStop}`);
      setTimeout(() => void abandon().then(() => process.exit(130)), options.graceMs).unref();
    });
  }
  main().catch((error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void abandon().then(() => process.exit(stopRequest.reason ? 130 : 1));
  });
}
