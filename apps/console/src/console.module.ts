import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AlertStateModule, AlertStateRepository, ConsoleDataModule, DailyStatsDataModule, DeliveryAuditRepository, MongoReadiness, RetentionSweeper } from '@alertlark/persistence';
import { SecretBox, derivedActionTokenKeys, parseSecretKey } from '@alertlark/secrets';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { LarkCallbackController } from './lark-callback.controller';
import { LarkCardActionUseCase } from './lark-card-action.usecase';
import { ACTION_LINK_KEYS, ActionLinksController } from './action-links.controller';
import { AlertGroupActionsUseCase } from './alert-group-actions.usecase';
import { AlertGroupsController } from './alert-groups.controller';
import { AlertReadModelProjector } from './alert-read-model.projector';
import { AdminGuard, TeamGuard } from './auth.guards';
import { AlertsController } from './alerts.controller';
import { ConfigPublisher } from './config-publisher.service';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { DeliveriesConsumer } from './deliveries.consumer';
import { DeliveriesController } from './deliveries.controller';
import { DocsController } from './docs.controller';
import { InhibitionRulesController } from './inhibition-rules.controller';
import { NotificationObjectsController } from './notification-objects.controller';
import { NotificationPoliciesController } from './notification-policies.controller';
import { ProjectDeliveryUseCase } from './project-delivery.usecase';
import { SealedValuesMigration } from './sealed-values.migration';
import { SilencesController } from './silences.controller';
import { StatsController } from './stats.controller';
import { TeamTokensController } from './team-tokens.controller';
import { TeamsController } from './teams.controller';
import { TEAM_CAPS, teamCapsOf } from './team-caps';
import { TestSendLimiter } from './test-send.limiter';
import { TokenRotationUseCase } from './token-rotation.usecase';

/** Every controller of the console (the OpenAPI route table is checked against their routes). */
export const CONSOLE_CONTROLLERS = [
  TeamsController,
  TeamTokensController,
  NotificationObjectsController,
  NotificationPoliciesController,
  SilencesController,
  InhibitionRulesController,
  AlertsController,
  AlertGroupsController,
  DeliveriesController,
  StatsController,
  DocsController,
];

@Module({})
export class ConsoleModule {
  static create(env: ConsoleEnv, logger: JsonLogger): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [
        HealthModule.forService('console'),
        MessagingModule.forService({ service: 'console', kafka: kafkaSettings(env), configFeed: false }, logger),
        MongooseModule.forRoot(env.MONGO_URL, { serverSelectionTimeoutMS: 10_000 }),
        ConsoleDataModule,
        AlertStateModule,
        DailyStatsDataModule,
      ],
      // The action-link pages are HTML for people, not part of the API.
      controllers: [...CONSOLE_CONTROLLERS, ActionLinksController, LarkCallbackController],
      providers: [
        { provide: CONSOLE_ENV, useValue: env },
        { provide: TEAM_CAPS, useValue: teamCapsOf(env) },
        { provide: TestSendLimiter, useValue: new TestSendLimiter() },
        { provide: SecretBox, useValue: new SecretBox(parseSecretKey(env.ALERTLARK_SECRET_KEY)) },
        { provide: ACTION_LINK_KEYS, useValue: env.ALERTLARK_ACTION_LINK_KEYS ?? derivedActionTokenKeys(parseSecretKey(env.ALERTLARK_SECRET_KEY)) },
        AlertGroupActionsUseCase,
        LarkCardActionUseCase,
        AdminGuard,
        TeamGuard,
        MongoReadiness,
        ProjectDeliveryUseCase,
        DeliveriesConsumer,
        AlertReadModelProjector,
        TokenRotationUseCase,
        SealedValuesMigration,
        ConfigPublisher,
        {
          provide: RetentionSweeper,
          inject: [AlertStateRepository, DeliveryAuditRepository],
          useFactory: (alerts: AlertStateRepository, deliveries: DeliveryAuditRepository) =>
            new RetentionSweeper(
              [
                { collection: 'alert_history', days: env.ALERTLARK_RETENTION_HISTORY_DAYS, deleteBatch: (cutoff, limit) => alerts.deleteHistoryOlderThan(cutoff, limit) },
                { collection: 'deliveries', days: env.ALERTLARK_RETENTION_DELIVERIES_DAYS, deleteBatch: (cutoff, limit) => deliveries.deleteOlderThan(cutoff, limit) },
              ],
              { intervalMs: env.ALERTLARK_RETENTION_SWEEP_MS },
              logger,
            ),
        },
      ],
    };
  }
}
