import { Controller, Get, Global, Inject, Module, Query, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ConfigFeed, EventPublisher, createKafka, ensureTopics } from '@alertlark/kafka';
import type { KafkaSettings } from './kafka.env';
import { JsonLogger } from './json.logger';
import { redact } from './redact';
import { Readiness } from './readiness';
import { ShutdownSignal } from './shutdown.signal';

export const KAFKA = Symbol('KAFKA');

export interface MessagingOptions {
  service: string;
  /** `kafkaSettings(env)`: brokers, TLS and SASL, and the settings of the topics it creates. */
  kafka: KafkaSettings;
  /** Follow the config topic (teams, chatbots, policies) into memory. */
  configFeed: boolean;
}

class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly readiness: Readiness,
    private readonly logger: JsonLogger,
    private readonly configFeed?: ConfigFeed,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka);
    await this.publisher.connect();
    this.readiness.register('kafka-producer', () => this.publisher.isConnected());
    if (this.configFeed) {
      const feed = this.configFeed;
      this.readiness.register('config', () => feed.isCaughtUp());
      await feed.start();
      this.logger.event('info', 'configuration loaded', feed.view.counts());
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.configFeed?.stop();
    await this.publisher.disconnect();
  }
}

/**
 * What configuration this replica has applied: lets an operator (and the end-to-end tests) see
 * that a change made in the console has reached the service. On the internal port only (`portGate`).
 */
@Controller('internal/config')
class ConfigStatusController {
  constructor(private readonly feed: ConfigFeed) {}

  @Get()
  status(@Query('key') key?: string) {
    return { caughtUp: this.feed.isCaughtUp(), revision: this.feed.view.getRevision(), ...this.feed.view.counts(), ...(key ? { key, present: this.feed.view.has(key) } : {}) };
  }
}

/** The service's one Kafka client, its one producer, and (when asked) the live configuration. */
@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions, logger: JsonLogger): DynamicModule {
    const kafka = createKafka({ clientId: options.service, ...options.kafka, redactLine: redact });
    const feed = options.configFeed
      ? new ConfigFeed(kafka, options.service, (level, message, fields) => logger.event(level, message, fields))
      : undefined;
    return {
      module: MessagingModule,
      controllers: feed ? [ConfigStatusController] : [],
      providers: [
        { provide: KAFKA, useValue: kafka },
        { provide: JsonLogger, useValue: logger },
        { provide: EventPublisher, useValue: new EventPublisher(kafka) },
        ShutdownSignal,
        ...(feed ? [{ provide: ConfigFeed, useValue: feed }] : []),
        {
          provide: MessagingLifecycle,
          inject: [KAFKA, EventPublisher, Readiness, JsonLogger],
          useFactory: (k: Kafka, publisher: EventPublisher, readiness: Readiness, log: JsonLogger) =>
            new MessagingLifecycle(k, publisher, readiness, log, feed),
        },
      ],
      exports: [KAFKA, EventPublisher, JsonLogger, ShutdownSignal, ...(feed ? [ConfigFeed] : [])],
    };
  }
}
