import { Module, type DynamicModule } from '@nestjs/common';
import { parseBrokers } from '@alertlark/kafka';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { AlertsController } from './alerts.controller';
import type { IngestEnv } from './ingest.env';
import { IngestTokenGuard } from './ingest-token.guard';

@Module({})
export class IngestModule {
  static create(env: IngestEnv, logger: JsonLogger): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        HealthModule.forService('ingest'),
        MessagingModule.forService({ service: 'ingest', brokers: parseBrokers(env.KAFKA_BROKERS), configFeed: true }, logger),
      ],
      controllers: [AlertsController],
      providers: [IngestTokenGuard],
    };
  }
}
