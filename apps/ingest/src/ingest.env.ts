import { z } from 'zod';
import { commonEnvSchema, internalPortSchema, servicePorts } from '@alertlark/service-kit';

export const ingestEnvSchema = commonEnvSchema.extend({
  INGEST_PORT: servicePorts.ingest,
  INGEST_INTERNAL_PORT: internalPortSchema,
  INGEST_MAX_BODY: z.string().regex(/^\d+(b|kb|mb)$/, 'must be a size like 5mb').default('5mb'),
  /** How long a request's alerts wait for other requests' to share a produce request with them. */
  INGEST_PRODUCE_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  /** Alerts waiting for Kafka beyond which a request gets 503 at once instead of queueing. */
  INGEST_MAX_PENDING_ALERTS: z.coerce.number().int().min(1).default(50_000),
});
export type IngestEnv = z.output<typeof ingestEnvSchema>;
