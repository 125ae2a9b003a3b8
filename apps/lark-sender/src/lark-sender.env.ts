import { z } from 'zod';
import { secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, servicePorts } from '@alertlark/service-kit';

export const larkSenderEnvSchema = commonEnvSchema.extend({
  LARK_SENDER_PORT: servicePorts['lark-sender'],
  ALERTLARK_SECRET_KEY: secretKeySchema,
  /** One request to Lark may take this long. */
  LARK_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Retries of one notification stop after this; the notification then goes to the dead-letter topic. */
  LARK_DELIVERY_DEADLINE_MS: z.coerce.number().int().min(1_000).default(120_000),
});
export type LarkSenderEnv = z.output<typeof larkSenderEnvSchema>;
export const LARK_SENDER_ENV = Symbol('LARK_SENDER_ENV');
