import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Registry, type Counter } from 'prom-client';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, consumeEvent } from '@alertlark/kafka';
import { ShutdownSignal, JsonLogger, counter } from '@alertlark/service-kit';
import { TrackAlertUseCase } from './track-alert.usecase';

/** First stage: alert events, keyed team/fingerprint. */
@Controller()
export class AlertsConsumer {
  private readonly alerts: Counter;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly trackAlert: TrackAlertUseCase,
    private readonly logger: JsonLogger,
    private readonly shutdown: ShutdownSignal,
    registry: Registry,
  ) {
    this.alerts = counter(registry, 'alertlark_router_alert_events_total', 'Alert events taken in, by whether they changed a group', ['outcome']);
  }

  @EventPattern(EVENTS.alerts.topic)
  async onAlert(@Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    await consumeEvent(
      this.publisher,
      EVENTS.alerts,
      { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value },
      async (event) => {
        const { changes } = await this.trackAlert.execute(event);
        this.alerts.inc({ outcome: changes > 0 ? 'changed' : 'unchanged' });
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
