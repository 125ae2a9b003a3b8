import 'reflect-metadata';
import { JsonLogger, bootstrapService, internalPort, parseEnv, runService } from '@alertlark/service-kit';
import { PolicyRouterModule } from './policy-router.module';
import { policyRouterEnvSchema } from './policy-router.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('policy-router');
  const env = parseEnv(policyRouterEnvSchema);
  await bootstrapService({ name: 'policy-router', module: PolicyRouterModule.create(env, logger), port: env.POLICY_ROUTER_PORT, host: env.HOST, internal: { port: internalPort(env.POLICY_ROUTER_PORT, env.POLICY_ROUTER_INTERNAL_PORT, 'POLICY_ROUTER_INTERNAL_PORT'), host: env.INTERNAL_HOST }, logger });
}

runService('policy-router', main);
