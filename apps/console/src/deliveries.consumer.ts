import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, consumeEvent } from '@alertlark/kafka';
import { JsonLogger, ShutdownSignal } from '@alertlark/service-kit';
import { ProjectDeliveryUseCase } from './project-delivery.usecase';

/** lark-sender's attempts (`alertlark.deliveries.v1`, keyed by objectId) into the console's audit. */
@Controller()
export class DeliveriesConsumer {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly project: ProjectDeliveryUseCase,
    private readonly logger: JsonLogger,
    private readonly shutdown: ShutdownSignal,
  ) {}

  @EventPattern(EVENTS.deliveries.topic)
  async onDelivery(@Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    await consumeEvent(
      this.publisher,
      EVENTS.deliveries,
      { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value },
      (event) => this.project.execute(event),
      {
        consumer: 'console',
        log: (level, text, fields) => this.logger.event(level, text, fields),
        heartbeat: context.getHeartbeat(),
        isStopping: () => this.shutdown.isStopping(),
      },
    );
  }
}
