import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import type { z } from 'zod';
import { EVENTS, type EventContract } from '@alertlark/contracts';
import { EventPublisher, consumeEvent } from '@alertlark/kafka';
import { JsonLogger, ShutdownSignal } from '@alertlark/service-kit';
import { ProjectStatsEventUseCase } from './project-stats-event.usecase';

/**
 * The daily-statistics projection's input, in the `<prefix>.stats` group: alert notifications
 * (`alertlark.notifications.v1`, daily summaries skipped) and lark-sender's attempts
 * (`alertlark.deliveries.v1`). A message that fails its schema is dead-lettered.
 */
@Controller()
export class StatsEventsConsumer {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly project: ProjectStatsEventUseCase,
    private readonly logger: JsonLogger,
    private readonly shutdown: ShutdownSignal,
  ) {}

  @EventPattern(EVENTS.notifications.topic)
  onNotification(@Ctx() context: KafkaContext): Promise<void> {
    return this.consume(context, EVENTS.notifications, (event) => this.project.notification(event));
  }

  @EventPattern(EVENTS.deliveries.topic)
  onDelivery(@Ctx() context: KafkaContext): Promise<void> {
    return this.consume(context, EVENTS.deliveries, (event) => this.project.delivery(event));
  }

  private consume<S extends z.ZodType>(context: KafkaContext, contract: EventContract<S>, handle: (event: z.output<S>) => Promise<void>): Promise<void> {
    const message = context.getMessage();
    return consumeEvent(
      this.publisher,
      contract,
      { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value },
      handle,
      {
        consumer: 'stats',
        log: (level, text, fields) => this.logger.event(level, text, fields),
        heartbeat: context.getHeartbeat(),
        isStopping: () => this.shutdown.isStopping(),
      },
    );
  }
}
