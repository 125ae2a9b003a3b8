import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { parseBrokers } from '@alertlark/kafka';
import { AlertStateModule, MongoReadiness } from '@alertlark/persistence';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AlertRouter } from './alert-router';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { ReadModelProjector } from './read-model.projector';
import { RoutingCatalog } from './routing-catalog';

@Module({})
export class PolicyRouterModule {
  static create(env: PolicyRouterEnv, logger: JsonLogger): DynamicModule {
    return {
      module: PolicyRouterModule,
      imports: [
        HealthModule.forService('policy-router'),
        MessagingModule.forService({ service: 'policy-router', brokers: parseBrokers(env.KAFKA_BROKERS), configFeed: true }, logger),
        MongooseModule.forRoot(env.MONGO_URL, { serverSelectionTimeoutMS: 10_000 }),
        AlertStateModule,
      ],
      providers: [{ provide: POLICY_ROUTER_ENV, useValue: env }, RoutingCatalog, AlertRouter, ReadModelProjector, MongoReadiness],
    };
  }
}
