import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import {
  alertmanagerWebhookSchemaWith,
  fastAlertmanagerWebhookWith,
  fastPrometheusAlertsWith,
  prometheusAlertsSchemaWith,
  type AlertRequestLimits,
  type AlertmanagerWebhook,
  type PrometheusAlerts,
} from '@alertlark/contracts';
import { ZodPipe } from '@alertlark/service-kit';

/** The configured AlertRequestLimits (ingest.env.ts). */
export const ALERT_REQUEST_LIMITS = Symbol('ALERT_REQUEST_LIMITS');

/**
 * A request body checked by its quick check first (`fastPrometheusAlertsWith`,
 * `fastAlertmanagerWebhookWith` in libs/contracts, which agree with the schemas), and by the zod
 * schema only when that says no: the schema then accepts what the quick check left to it, or words
 * the 400.
 */
export class RequestBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  private readonly schema: ZodPipe<S>;

  constructor(
    private readonly quick: (value: unknown) => z.output<S> | undefined,
    schema: S,
    root?: string,
  ) {
    this.schema = new ZodPipe(schema, root);
  }

  transform(value: unknown): z.output<S> {
    return this.quick(value) ?? this.schema.transform(value);
  }
}

@Injectable()
export class WebhookBodyPipe extends RequestBodyPipe<ReturnType<typeof alertmanagerWebhookSchemaWith>> implements PipeTransform<unknown, AlertmanagerWebhook> {
  constructor(@Inject(ALERT_REQUEST_LIMITS) limits: AlertRequestLimits) {
    super(fastAlertmanagerWebhookWith(limits), alertmanagerWebhookSchemaWith(limits));
  }
}

/** Prometheus posts a bare list: its problems are named `alerts.N.field`, like a webhook's. */
@Injectable()
export class PrometheusBodyPipe extends RequestBodyPipe<ReturnType<typeof prometheusAlertsSchemaWith>> implements PipeTransform<unknown, PrometheusAlerts> {
  constructor(@Inject(ALERT_REQUEST_LIMITS) limits: AlertRequestLimits) {
    super(fastPrometheusAlertsWith(limits), prometheusAlertsSchemaWith(limits), 'alerts');
  }
}
