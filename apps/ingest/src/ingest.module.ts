import { Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { EventPublisher, ProduceBatcher } from '@alertlark/kafka';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AcceptAlerts, PUBLISH_TIMEOUT_MS } from './accept-alerts.usecase';
import { AlertsController } from './alerts.controller';
import { alertRequestLimits, type IngestEnv } from './ingest.env';
import { IngestTokenGuard } from './ingest-token.guard';
import { ALERT_REQUEST_LIMITS } from './request-body.pipe';

/** On shutdown, what requests are waiting for is sent at once (no linger) before the producer disconnects. */
@Injectable()
class BatcherShutdown implements BeforeApplicationShutdown {
  constructor(private readonly batcher: ProduceBatcher) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
  }
}

@Module({})
export class IngestModule {
  static create(env: IngestEnv, logger: JsonLogger): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        HealthModule.forService('ingest'),
        MessagingModule.forService({ service: 'ingest', kafka: kafkaSettings(env), configFeed: true }, logger),
      ],
      controllers: [AlertsController],
      providers: [
        IngestTokenGuard,
        AcceptAlerts,
        BatcherShutdown,
        { provide: ALERT_REQUEST_LIMITS, useValue: alertRequestLimits(env) },
        { provide: PUBLISH_TIMEOUT_MS, useValue: env.INGEST_PUBLISH_TIMEOUT_MS },
        {
          provide: ProduceBatcher,
          inject: [EventPublisher],
          useFactory: (publisher: EventPublisher) =>
            new ProduceBatcher(publisher, { lingerMs: env.INGEST_PRODUCE_LINGER_MS, maxPendingMessages: env.INGEST_MAX_PENDING_ALERTS }),
        },
      ],
    };
  }
}
