import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Registry, type Counter } from 'prom-client';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, consumeEvent } from '@alertlark/kafka';
import { ShutdownSignal, JsonLogger, counter } from '@alertlark/service-kit';
import { RouteAlertUseCase } from './route-alert.usecase';

@Controller()
export class AlertsConsumer {
  private readonly routed: Counter;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly routeAlert: RouteAlertUseCase,
    private readonly logger: JsonLogger,
    private readonly shutdown: ShutdownSignal,
    registry: Registry,
  ) {
    this.routed = counter(registry, 'alertlark_router_notifications_total', 'Notifications decided', ['status']);
  }

  @EventPattern(EVENTS.alerts.topic)
  async onAlert(@Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    await consumeEvent(
      this.publisher,
      EVENTS.alerts,
      { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value },
      async (event) => {
        const notifications = this.routeAlert.execute(event);
        await this.publisher.publish(EVENTS.notifications, notifications.map((notification) => ({ key: notification.objectId, value: notification })));
        for (const notification of notifications) this.routed.inc({ status: notification.status });
      },
      {
        consumer: 'policy-router',
        log: (level, text, fields) => this.logger.event(level, text, fields),
        heartbeat: context.getHeartbeat(),
        isStopping: () => this.shutdown.isStopping(),
      },
    );
  }
}
