import 'reflect-metadata';
import { JsonLogger, bootstrapService, internalPort, parseEnv, runService } from '@alertlark/service-kit';
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
    internal: { port: internalPort(env.INGEST_PORT, env.INGEST_INTERNAL_PORT, 'INGEST_INTERNAL_PORT'), host: env.INTERNAL_HOST },
    logger,
    bodyLimit: env.INGEST_MAX_BODY,
  });
}

runService('ingest', main);
