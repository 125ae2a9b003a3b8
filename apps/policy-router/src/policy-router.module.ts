import { Module, type DynamicModule } from '@nestjs/common';
import { parseBrokers } from '@alertlark/kafka';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AlertsConsumer } from './alerts.consumer';
import type { PolicyRouterEnv } from './policy-router.env';
import { RouteAlertUseCase } from './route-alert.usecase';

@Module({})
export class PolicyRouterModule {
  static create(env: PolicyRouterEnv, logger: JsonLogger): DynamicModule {
    return {
      module: PolicyRouterModule,
      imports: [
        HealthModule.forService('policy-router'),
        MessagingModule.forService({ service: 'policy-router', brokers: parseBrokers(env.KAFKA_BROKERS), configFeed: true }, logger),
      ],
      controllers: [AlertsConsumer],
      providers: [RouteAlertUseCase],
    };
  }
}
