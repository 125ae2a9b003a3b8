import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AlertRouter } from './alert-router';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { RoutingCatalog } from './routing-catalog';

@Module({})
export class PolicyRouterModule {
  static create(env: PolicyRouterEnv, logger: JsonLogger): DynamicModule {
    return {
      module: PolicyRouterModule,
      imports: [
        HealthModule.forService('policy-router'),
        MessagingModule.forService({ service: 'policy-router', kafka: kafkaSettings(env), configFeed: true }, logger),
      ],
      providers: [{ provide: POLICY_ROUTER_ENV, useValue: env }, RoutingCatalog, AlertRouter],
    };
  }
}
