import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { alertmanagerWebhookSchema, prometheusAlertsSchema, type AlertmanagerWebhook, type PrometheusAlerts } from '@alertlark/contracts';
import { alertEventsFromPrometheus, alertEventsFromWebhook } from '@alertlark/routing';
import { ZodPipe } from '@alertlark/service-kit';
import { AcceptAlerts } from './accept-alerts.usecase';
import { IngestTokenGuard, type IngestRequest } from './ingest-token.guard';

/**
 * Accepts alerts and answers 2xx only after Kafka acknowledged every event (acks=all), so an
 * accepted alert is never lost; a rejected request publishes nothing. The request schema is the
 * one validation: the events made of a valid request satisfy their contract (libs/routing intake).
 */
@Controller('api')
@UseGuards(IngestTokenGuard)
export class AlertsController {
  constructor(private readonly alerts: AcceptAlerts) {}

  @Post('v1/alerts/alertmanager')
  @HttpCode(202)
  async alertmanager(
    @Req() request: IngestRequest,
    @Body(new ZodPipe(alertmanagerWebhookSchema)) webhook: AlertmanagerWebhook,
  ): Promise<{ accepted: number }> {
    const teamId = request.teamId!;
    return this.alerts.accept(teamId, alertEventsFromWebhook({ teamId, now: new Date() }, webhook));
  }

  /** Same path and answer as Alertmanager's API, so Prometheus can send to ingest directly. */
  @Post('v2/alerts')
  @HttpCode(200)
  async prometheus(
    @Req() request: IngestRequest,
    @Body(new ZodPipe(prometheusAlertsSchema)) alerts: PrometheusAlerts,
  ): Promise<{ accepted: number }> {
    const teamId = request.teamId!;
    return this.alerts.accept(teamId, alertEventsFromPrometheus({ teamId, now: new Date() }, alerts));
  }
}
