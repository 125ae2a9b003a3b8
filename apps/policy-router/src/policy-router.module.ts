import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { parseBrokers } from '@alertlark/kafka';
import { AlertGroupModule, AlertStateModule, MongoReadiness } from '@alertlark/persistence';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AlertsConsumer } from './alerts.consumer';
import { ApplyGroupChangeUseCase } from './apply-group-change.usecase';
import { FlushGroupUseCase } from './flush-group.usecase';
import { GroupFlusher } from './group-flusher';
import { GroupLocks } from './group-locks';
import { GroupTimers } from './group-timers';
import { GroupedAlertsConsumer } from './grouped-alerts.consumer';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { RoutingCatalog } from './routing-catalog';
import { TrackAlertUseCase } from './track-alert.usecase';

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
        AlertGroupModule,
      ],
      controllers: [AlertsConsumer],
      providers: [
        { provide: POLICY_ROUTER_ENV, useValue: env },
        RoutingCatalog,
        GroupLocks,
        GroupTimers,
        TrackAlertUseCase,
        ApplyGroupChangeUseCase,
        FlushGroupUseCase,
        GroupedAlertsConsumer,
        GroupFlusher,
        MongoReadiness,
      ],
    };
  }
}
