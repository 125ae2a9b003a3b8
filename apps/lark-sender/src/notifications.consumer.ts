import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, consumeEvent } from '@alertlark/kafka';
import { ShutdownSignal, JsonLogger } from '@alertlark/service-kit';
import { DeliverNotificationUseCase } from './deliver-notification.usecase';

@Controller()
export class NotificationsConsumer {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly deliver: DeliverNotificationUseCase,
    private readonly logger: JsonLogger,
    private readonly shutdown: ShutdownSignal,
  ) {}

  @EventPattern(EVENTS.notifications.topic)
  async onNotification(@Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    await consumeEvent(
      this.publisher,
      EVENTS.notifications,
      { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value },
      (notification) => this.deliver.execute(notification),
      {
        consumer: 'lark-sender',
        log: (level, text, fields) => this.logger.event(level, text, fields),
        heartbeat: context.getHeartbeat(),
        isStopping: () => this.shutdown.isStopping(),
      },
    );
  }
}
