/**
 * `npm run replay-dead-letters -- [--source-topic T] [--consumer C] [--key K] [--since ISO]
 * [--dry-run] [--from-beginning]`: republishes dead-lettered messages to their source topics, each
 * once. See tools/dead-letters/README.md.
 */
import { createKafka } from '@alertlark/kafka';
import { commonEnvSchema, kafkaEnvSchema, kafkaSettings, redact } from '@alertlark/service-kit';
import { USAGE, parseReplayArgs } from './replay-options';
import { replayDeadLetters } from './replay';

const envSchema = commonEnvSchema.pick({ ALERTLARK_CONSUMER_GROUP_PREFIX: true }).extend(kafkaEnvSchema.shape);

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
  // kafkajs 2.2.4 arms a timer with a negative delay on Node >= 23 (clamped to 1 ms): harmless.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') stderr(warning.message, { level: 'warn', warning: warning.name });
  });
  // kafkajs warnings go to stderr, so stdout holds only this command's own lines.
  const kafka = createKafka({ clientId: 'dead-letter-replay', ...kafkaSettings(env.data), redactLine: redact, logStream: process.stderr });
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
