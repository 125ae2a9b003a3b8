/**
 * `npm run replay-dead-letters -- [--source-topic T] [--consumer C] [--key K] [--since ISO]
 * [--dry-run] [--from-beginning]`: republishes dead-lettered messages to their source topics, each
 * once. See tools/dead-letters/README.md.
 */
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { jsonKafkaLogCreator, parseBrokers } from '@alertlark/kafka';
import { redact } from '@alertlark/service-kit';
import { USAGE, parseReplayArgs } from './replay-options';
import { replayDeadLetters } from './replay';

const envSchema = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  ALERTLARK_CONSUMER_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only').default('alertlark'),
});

const stderr = (message: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${redact(JSON.stringify({ time: new Date().toISOString(), message, ...fields }))}\n`);
const stdout = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<number> {
  const parsed = parseReplayArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const env = envSchema.safeParse(process.env);
  if (!env.success) {
    process.stderr.write(`invalid configuration: ${env.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}\n`);
    return 2;
  }
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  // kafkajs 2.2.4 arms a timer with a negative delay on Node >= 23 (clamped to 1 ms): harmless.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') stderr(warning.message, { level: 'warn', warning: warning.name });
  });
  const kafka = new Kafka({
    clientId: 'dead-letter-replay',
    brokers: parseBrokers(env.data.KAFKA_BROKERS),
    logLevel: logLevel.WARN,
    // kafkajs warnings go to stderr, so stdout holds only this command's own lines.
    logCreator: jsonKafkaLogCreator(process.stderr, redact),
    retry: { initialRetryTime: 200, retries: 8 },
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));
  const summary = await replayDeadLetters(kafka, {
    groupId: `${env.data.ALERTLARK_CONSUMER_GROUP_PREFIX}.dead-letter-replay`,
    options: parsed.options,
    emit: stdout,
    log: stderr,
    isStopping: () => stopping,
  });
  stdout({ ...summary });
  return stopping ? 130 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    stderr('replay failed', { level: 'fatal', error: String(error) });
    process.exitCode = 1;
  },
);
