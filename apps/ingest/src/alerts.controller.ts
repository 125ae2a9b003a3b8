import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { AlertmanagerWebhook, PrometheusAlerts } from '@alertlark/contracts';
import { alertEventsFromPrometheus, alertEventsFromWebhook } from '@alertlark/routing';
import { AcceptAlerts } from './accept-alerts.usecase';
import { IngestTokenGuard, type IngestRequest } from './ingest-token.guard';
import { PrometheusBodyPipe, WebhookBodyPipe } from './request-body.pipe';

/**
 * Accepts alerts and answers 2xx only after Kafka acknowledged every event (acks=all), so an
 * accepted alert is never lost; a rejected request publishes nothing. The request is validated once
 * (its quick check, else its schema): the events made of a valid request satisfy their contract
 * (libs/routing intake), so they are not parsed again.
 */
@Controller('api')
@UseGuards(IngestTokenGuard)
export class AlertsController {
  constructor(private readonly alerts: AcceptAlerts) {}

  @Post('v1/alerts/alertmanager')
  @HttpCode(202)
  async alertmanager(
    @Req() request: IngestRequest,
    @Body(WebhookBodyPipe) webhook: AlertmanagerWebhook,
  ): Promise<{ accepted: number }> {
    const teamId = request.teamId!;
    return this.alerts.accept(teamId, alertEventsFromWebhook({ teamId, now: new Date() }, webhook));
  }

  /** Same path and answer as Alertmanager's API, so Prometheus can send to ingest directly. */
  @Post('v2/alerts')
  @HttpCode(200)
  async prometheus(
    @Req() request: IngestRequest,
    @Body(PrometheusBodyPipe) alerts: PrometheusAlerts,
  ): Promise<{ accepted: number }> {
    const teamId = request.teamId!;
    return this.alerts.accept(teamId, alertEventsFromPrometheus({ teamId, now: new Date() }, alerts));
  }
}
