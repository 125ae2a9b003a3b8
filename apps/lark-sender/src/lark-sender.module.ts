import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DeliveryLedgerModule, DeliveryLedgerRepository, LarkMessageModule, LarkMessageRepository, MongoReadiness, RetentionSweeper, SenderStateModule } from '@alertlark/persistence';
import { SecretBox, parseSecretKey } from '@alertlark/secrets';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AppBotCards } from './app-bot-cards';
import { BotQueues } from './bot-queues';
import { CARD_LINK_SETTINGS, cardLinkSettings } from './card-links';
import { DeliverBatchUseCase } from './deliver-batch.usecase';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { APP_CARD_EDITABLE_DAYS, LARK_SENDER_ENV, senderDatabase, type LarkSenderEnv } from './lark-sender.env';
import { NotificationInbox } from './notification-inbox';
import { PartitionProgress } from './partition-progress';

@Module({})
export class LarkSenderModule {
  static create(env: LarkSenderEnv, logger: JsonLogger): DynamicModule {
    return {
      module: LarkSenderModule,
      imports: [
        HealthModule.forService('lark-sender'),
        MessagingModule.forService({ service: 'lark-sender', kafka: kafkaSettings(env), configFeed: true }, logger),
        MongooseModule.forRoot(env.MONGO_URL, { serverSelectionTimeoutMS: 10_000, dbName: senderDatabase(env) }),
        DeliveryLedgerModule,
        LarkMessageModule,
        SenderStateModule,
      ],
      providers: [
        { provide: LARK_SENDER_ENV, useValue: env },
        { provide: CARD_LINK_SETTINGS, useValue: cardLinkSettings(env) },
        { provide: SecretBox, useValue: new SecretBox(parseSecretKey(env.ALERTLARK_SECRET_KEY)) },
        BotQueues,
        PartitionProgress,
        AppBotCards,
        DeliverBatchUseCase,
        DeliveryDispatcher,
        NotificationInbox,
        MongoReadiness,
        {
          provide: RetentionSweeper,
          inject: [DeliveryLedgerRepository, LarkMessageRepository],
          useFactory: (ledger: DeliveryLedgerRepository, messages: LarkMessageRepository) =>
            new RetentionSweeper(
              [
                { collection: 'delivery_ledger', days: env.LARK_SENDER_LEDGER_RETENTION_DAYS, deleteBatch: (cutoff, limit) => ledger.deleteOlderThan(cutoff, limit) },
                {
                  collection: 'lark_messages',
                  days: Math.max(env.LARK_SENDER_LEDGER_RETENTION_DAYS, APP_CARD_EDITABLE_DAYS),
                  deleteBatch: (cutoff, limit) => messages.deleteOlderThan(cutoff, limit),
                },
              ],
              { intervalMs: env.ALERTLARK_RETENTION_SWEEP_MS },
              logger,
            ),
        },
      ],
    };
  }
}
