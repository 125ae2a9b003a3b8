import 'reflect-metadata';
import { parseBrokers } from '@alertlark/kafka';
import { JsonLogger, bootstrapService, parseEnv, runService } from '@alertlark/service-kit';
import { ConsoleModule } from './console.module';
import { consoleEnvSchema } from './console.env';
import { WebUiModule } from './web-ui.module';

async function main(): Promise<void> {
  const logger = new JsonLogger('console');
  const env = parseEnv(consoleEnvSchema);
  await bootstrapService({
    name: 'console',
    // The API plus the web UI at `/` (apps/console/ui).
    module: { module: WebUiModule, imports: [ConsoleModule.create(env, logger)] },
    port: env.CONSOLE_PORT,
    host: env.HOST,
    logger,
    // The delivery audit (`alertlark.deliveries.v1`) in the console's own group.
    kafkaConsumer: { brokers: parseBrokers(env.KAFKA_BROKERS), groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.console`, fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest' },
  });
}

runService('console', main);
