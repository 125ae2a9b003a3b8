import 'reflect-metadata';
import { JsonLogger, bootstrapService, parseEnv, runService } from '@alertlark/service-kit';
import { LarkSenderModule } from './lark-sender.module';
import { larkSenderEnvSchema } from './lark-sender.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('lark-sender');
  const env = parseEnv(larkSenderEnvSchema);
  await bootstrapService({
    name: 'lark-sender',
    module: LarkSenderModule.create(env, logger),
    port: env.LARK_SENDER_PORT,
    host: env.HOST,
    logger,
  });
}

runService('lark-sender', main);
