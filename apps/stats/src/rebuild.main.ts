/**
 * `npm run stats:rebuild -- [--database <name>]`: rebuilds the daily-statistics projection from
 * Kafka and prints one JSON line of figures. See apps/stats/README.md.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { createKafka } from '@alertlark/kafka';
import { DailyStatsRepository, dailyStatsModels } from '@alertlark/persistence';
import { commonEnvSchema, kafkaEnvSchema, kafkaSettings, redact } from '@alertlark/service-kit';
import { rebuildProjection } from './projection-rebuild';
import { REBUILD_USAGE, parseRebuildArgs } from './rebuild-options';

const envSchema = commonEnvSchema.pick({ MONGO_URL: true, ALERTLARK_CONSUMER_GROUP_PREFIX: true }).extend(kafkaEnvSchema.shape);

const stderr = (message: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${redact(JSON.stringify({ time: new Date().toISOString(), message, ...fields }))}\n`);

async function main(): Promise<number> {
  const parsed = parseRebuildArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${REBUILD_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`${parsed.message}\n\n${REBUILD_USAGE}\n`);
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
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));

  // kafkajs warnings go to stderr, so stdout holds only this command's own lines.
  const kafka = createKafka({ clientId: 'stats-rebuild', ...kafkaSettings(env.data), redactLine: redact, logStream: process.stderr });
  const connection = await mongoose
    .createConnection(env.data.MONGO_URL, { serverSelectionTimeoutMS: 10_000, ...(parsed.options.database ? { dbName: parsed.options.database } : {}) })
    .asPromise();
  try {
    const models = dailyStatsModels(connection);
    await Promise.all([models.notices.init(), models.cards.init()]);
    const summary = await rebuildProjection({
      kafka,
      stats: new DailyStatsRepository(models.notices, models.cards),
      groupId: `${env.data.ALERTLARK_CONSUMER_GROUP_PREFIX}.stats-rebuild`,
      log: (message, fields) => stderr(message, fields),
      isStopping: () => stopping,
    });
    process.stdout.write(`${JSON.stringify({ database: connection.name, ...summary })}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    stderr('rebuild failed', { level: 'fatal', error: String(error) });
    process.exitCode = 1;
  },
);
