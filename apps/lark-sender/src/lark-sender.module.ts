import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { parseBrokers } from '@alertlark/kafka';
import { DeliveryLedgerModule, MongoReadiness } from '@alertlark/persistence';
import { SecretBox, parseSecretKey } from '@alertlark/secrets';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { DeliverNotificationUseCase } from './deliver-notification.usecase';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';
import { NotificationsConsumer } from './notifications.consumer';

@Module({})
export class LarkSenderModule {
  static create(env: LarkSenderEnv, logger: JsonLogger): DynamicModule {
    return {
      module: LarkSenderModule,
      imports: [
        HealthModule.forService('lark-sender'),
        MessagingModule.forService({ service: 'lark-sender', brokers: parseBrokers(env.KAFKA_BROKERS), configFeed: true }, logger),
        MongooseModule.forRoot(env.MONGO_URL, { serverSelectionTimeoutMS: 10_000 }),
        DeliveryLedgerModule,
      ],
      controllers: [NotificationsConsumer],
      providers: [
        { provide: LARK_SENDER_ENV, useValue: env },
        { provide: SecretBox, useValue: new SecretBox(parseSecretKey(env.ALERTLARK_SECRET_KEY)) },
        DeliverNotificationUseCase,
        MongoReadiness,
      ],
    };
  }
}
