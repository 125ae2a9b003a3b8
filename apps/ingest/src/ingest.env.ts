import { z } from 'zod';
import { commonEnvSchema, servicePorts } from '@alertlark/service-kit';

export const ingestEnvSchema = commonEnvSchema.extend({
  INGEST_PORT: servicePorts.ingest,
  INGEST_MAX_BODY: z.string().regex(/^\d+(b|kb|mb)$/, 'must be a size like 5mb').default('5mb'),
});
export type IngestEnv = z.output<typeof ingestEnvSchema>;
