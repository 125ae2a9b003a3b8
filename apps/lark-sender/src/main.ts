import 'reflect-metadata';
import { parseBrokers } from '@alertlark/kafka';
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
    kafkaConsumer: { brokers: parseBrokers(env.KAFKA_BROKERS), groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.lark-sender`, fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest' },
  });
}

runService('lark-sender', main);
