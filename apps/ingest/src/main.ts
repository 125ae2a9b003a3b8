import 'reflect-metadata';
import { JsonLogger, bootstrapService, parseEnv } from '@alertlark/service-kit';
import { IngestModule } from './ingest.module';
import { ingestEnvSchema } from './ingest.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('ingest');
  const env = parseEnv(ingestEnvSchema);
  await bootstrapService({
    name: 'ingest',
    module: IngestModule.create(env, logger),
    port: env.INGEST_PORT,
    host: env.HOST,
    logger,
    bodyLimit: env.INGEST_MAX_BODY,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'ingest', level: 'fatal', message: String(error) })}\n`);
  process.exit(1);
});
