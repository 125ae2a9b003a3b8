import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import {
  EVENTS,
  alertEventKey,
  alertmanagerWebhookSchema,
  prometheusAlertsSchema,
  type AlertEvent,
  type AlertmanagerWebhook,
  type PrometheusAlerts,
} from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { alertEventsFromPrometheus, alertEventsFromWebhook } from '@alertlark/routing';
import { ZodPipe, counter } from '@alertlark/service-kit';
import { IngestTokenGuard, type IngestRequest } from './ingest-token.guard';

/**
 * Accepts alerts and answers 2xx only after Kafka acknowledged every event (acks=all), so an
 * accepted alert is never lost; a rejected request publishes nothing.
 */
@Controller('api')
@UseGuards(IngestTokenGuard)
export class AlertsController {
  private readonly accepted: Counter;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(Registry) registry: Registry,
  ) {
    this.accepted = counter(registry, 'alertlark_ingest_alerts_total', 'Alerts accepted and published', ['source', 'status']);
  }

  @Post('v1/alerts/alertmanager')
  @HttpCode(202)
  async alertmanager(
    @Req() request: IngestRequest,
    @Body(new ZodPipe(alertmanagerWebhookSchema)) webhook: AlertmanagerWebhook,
  ): Promise<{ accepted: number }> {
    return this.publish(alertEventsFromWebhook({ teamId: request.teamId!, now: new Date() }, webhook));
  }

  /** Same path and answer as Alertmanager's API, so Prometheus can send to ingest directly. */
  @Post('v2/alerts')
  @HttpCode(200)
  async prometheus(
    @Req() request: IngestRequest,
    @Body(new ZodPipe(prometheusAlertsSchema)) alerts: PrometheusAlerts,
  ): Promise<{ accepted: number }> {
    return this.publish(alertEventsFromPrometheus({ teamId: request.teamId!, now: new Date() }, alerts));
  }

  private async publish(events: AlertEvent[]): Promise<{ accepted: number }> {
    await this.publisher.publish(EVENTS.alerts, events.map((event) => ({ key: alertEventKey(event), value: event })));
    for (const event of events) this.accepted.inc({ source: event.source, status: event.status });
    return { accepted: events.length };
  }
}
