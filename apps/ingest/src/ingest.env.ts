import { z } from 'zod';
import { DEFAULT_ALERT_REQUEST_LIMITS, type AlertRequestLimits } from '@alertlark/contracts';
import { commonEnvSchema, internalPortSchema, servicePorts } from '@alertlark/service-kit';

export const ingestEnvSchema = commonEnvSchema.extend({
  INGEST_PORT: servicePorts.ingest,
  INGEST_INTERNAL_PORT: internalPortSchema,
  INGEST_MAX_BODY: z.string().regex(/^\d+(b|kb|mb)$/, 'must be a size like 5mb').default('5mb'),
  /** How long a request's alerts wait for other requests' to share a produce request with them. */
  INGEST_PRODUCE_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  /** Alerts waiting for Kafka beyond which a request gets 503 at once instead of queueing. */
  INGEST_MAX_PENDING_ALERTS: z.coerce.number().int().min(1).default(50_000),
  /**
   * How long a request waits for Kafka's acknowledgement before it gets 503: under Alertmanager's
   * 10 s webhook timeout, so an unreachable broker is a prompt 503 (retried) and not a hang.
   */
  INGEST_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4_000),
  // Request limits (AlertRequestLimits, libs/contracts): what is over one gets 400 naming it.
  INGEST_MAX_ALERTS_PER_REQUEST: z.coerce.number().int().min(1).default(DEFAULT_ALERT_REQUEST_LIMITS.maxAlerts),
  INGEST_MAX_LABELS_PER_ALERT: z.coerce.number().int().min(1).default(DEFAULT_ALERT_REQUEST_LIMITS.maxLabels),
  /** UTF-8 bytes of one label name, and of one label value. */
  INGEST_MAX_LABEL_BYTES: z.coerce.number().int().min(1).default(DEFAULT_ALERT_REQUEST_LIMITS.maxLabelBytes),
  /** UTF-8 bytes of one annotation, its name and value together. */
  INGEST_MAX_ANNOTATION_BYTES: z.coerce.number().int().min(1).default(DEFAULT_ALERT_REQUEST_LIMITS.maxAnnotationBytes),
});
export type IngestEnv = z.output<typeof ingestEnvSchema>;

export function alertRequestLimits(env: IngestEnv): AlertRequestLimits {
  return {
    maxAlerts: env.INGEST_MAX_ALERTS_PER_REQUEST,
    maxLabels: env.INGEST_MAX_LABELS_PER_ALERT,
    maxLabelBytes: env.INGEST_MAX_LABEL_BYTES,
    maxAnnotationBytes: env.INGEST_MAX_ANNOTATION_BYTES,
  };
}
