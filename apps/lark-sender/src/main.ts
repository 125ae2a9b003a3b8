import 'reflect-metadata';
import { JsonLogger, bootstrapService, internalPort, parseEnv, runService } from '@alertlark/service-kit';
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
    internal: { port: internalPort(env.LARK_SENDER_PORT, env.LARK_SENDER_INTERNAL_PORT, 'LARK_SENDER_INTERNAL_PORT'), host: env.INTERNAL_HOST },
    logger,
  });
}

runService('lark-sender', main);
