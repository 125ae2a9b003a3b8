import { z } from 'zod';
import { secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, servicePorts } from '@alertlark/service-kit';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

export const larkSenderEnvSchema = commonEnvSchema.extend({
  LARK_SENDER_PORT: servicePorts['lark-sender'],
  ALERTLARK_SECRET_KEY: secretKeySchema,
  /** One request to Lark may take this long. */
  LARK_REQUEST_TIMEOUT_MS: int(100, 5_000),
  /** A notification still unsent this long after it arrived goes to the dead-letter topic. */
  LARK_DELIVERY_DEADLINE_MS: int(1_000, 120_000),
  /** Lark's per-bot limits (LARK.md); lower them to leave room for other senders to the same bot. */
  LARK_RATE_PER_SECOND: int(1, 5),
  LARK_RATE_PER_MINUTE: int(1, 100),
  /** Each rate window is stretched by this, for requests that take a while to reach Lark. */
  LARK_RATE_MARGIN_MS: int(0, 250),
  /** A notification kept waiting this long by its bot's budget is merged into a digest card. */
  LARK_DIGEST_AFTER_MS: int(0, 10_000),
  /** Most notifications one digest card speaks for; more wait for the next request. */
  LARK_MAX_DIGEST: int(2, 1_000),
  /** Requests in flight at once, across all bots (one per bot). */
  LARK_SENDER_CONCURRENCY: int(1, 32),
  LARK_DISPATCH_POLL_MS: int(10, 50),
  /** How fast a dead replica's chatbots move to a live one. */
  LARK_SENDER_SESSION_TIMEOUT_MS: int(6_000, 10_000),
});
export type LarkSenderEnv = z.output<typeof larkSenderEnvSchema>;
export const LARK_SENDER_ENV = Symbol('LARK_SENDER_ENV');
