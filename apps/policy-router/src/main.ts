import 'reflect-metadata';
import { parseBrokers } from '@alertlark/kafka';
import { JsonLogger, bootstrapService, parseEnv, runService } from '@alertlark/service-kit';
import { PolicyRouterModule } from './policy-router.module';
import { policyRouterEnvSchema } from './policy-router.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('policy-router');
  const env = parseEnv(policyRouterEnvSchema);
  await bootstrapService({
    name: 'policy-router',
    module: PolicyRouterModule.create(env, logger),
    port: env.POLICY_ROUTER_PORT,
    host: env.HOST,
    logger,
    kafkaConsumer: { brokers: parseBrokers(env.KAFKA_BROKERS), groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.policy-router`, fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest' },
  });
}

runService('policy-router', main);
