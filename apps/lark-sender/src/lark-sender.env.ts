import { z } from 'zod';
import { parseDuration } from '@alertlark/routing';
import { actionTokenKeysSchema, secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, internalPortSchema, retentionSweepMsSchema, servicePorts, webhookHostsAllowSchema } from '@alertlark/service-kit';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** A duration like `24h` or `30m` (Prometheus' form), in milliseconds, at least `minMs`. */
const durationMs = (fallback: string, minMs: number) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        const ms = parseDuration(text.trim());
        if (ms >= minMs) return ms;
        ctx.addIssue({ code: 'custom', message: `must be at least ${minMs / 1000} s` });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: String(error instanceof Error ? error.message : error) });
      }
      return z.NEVER;
    });

/**
 * How long Kafka keeps `alertlark.notifications.v1`: the broker's default `retention.ms`, which
 * the topic does not override. A consumer rewound (a lost offset, a replay) may be handed any
 * notification the topic still holds, and only its ledger row stops a second card.
 */
export const NOTIFICATIONS_TOPIC_RETENTION_DAYS = 7;

/** Lark lets an app edit its card for 14 days (LARK.md): its message id is needed that long. */
export const APP_CARD_EDITABLE_DAYS = 14;

export const larkSenderEnvSchema = commonEnvSchema.extend({
  LARK_SENDER_PORT: servicePorts['lark-sender'],
  LARK_SENDER_INTERNAL_PORT: internalPortSchema,
  ALERTLARK_SECRET_KEY: secretKeySchema,
  /**
   * The console's allowlist, checked again before every request: a chatbot saved while its host
   * was allowed gets nothing more once the list no longer names it.
   */
  ALERTLARK_WEBHOOK_HOSTS_ALLOW: webhookHostsAllowSchema,
  /** One request to Lark may take this long. */
  LARK_REQUEST_TIMEOUT_MS: int(100, 5_000),
  /** A notification still unsent this long after it arrived goes to the dead-letter topic. */
  LARK_DELIVERY_DEADLINE_MS: int(1_000, 120_000),
  /** Lark's per-bot limits (LARK.md); lower them to leave room for other senders to the same bot. */
  LARK_RATE_PER_SECOND: int(1, 5),
  LARK_RATE_PER_MINUTE: int(1, 100),
  /** Each rate window is stretched by this, for requests that take a while to reach Lark. */
  LARK_RATE_MARGIN_MS: int(0, 250),
  /**
   * The digest delay: a backlog the bot's budget cannot carry one card each within it, or a
   * notification that waited it, goes out as a digest card at once.
   */
  LARK_DIGEST_AFTER_MS: int(0, 10_000),
  /** Requests in flight at once, across all bots (one per bot). */
  LARK_SENDER_CONCURRENCY: int(1, 32),
  LARK_DISPATCH_POLL_MS: int(10, 50),
  /**
   * How fast a dead replica's chatbots move to a live one, and how long the group waits after a
   * broker restart (kafkajs rejoins as a new member; the reloaded group waits out the old one).
   * 6 s is the broker's least (`group.min.session.timeout.ms`).
   */
  LARK_SENDER_SESSION_TIMEOUT_MS: int(6_000, 6_000),
  /**
   * Keys of the signed action links on cards (`kid:<key>[,kid:<key>…]`, the first signs); the
   * console must accept them. Unset or blank: one key derived from ALERTLARK_SECRET_KEY.
   */
  ALERTLARK_ACTION_LINK_KEYS: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), actionTokenKeysSchema.optional()),
  /** How long an action link on a card works after the card was sent. */
  ALERTLARK_ACTION_LINK_TTL: durationMs('24h', 60_000),
  /** The database of the sender's own state (ledger, pending notifications, request instants); default `<MONGO_URL's database>_sender`. */
  /**
   * Days the delivery ledger keeps a finished notification; longer than the notifications topic
   * keeps it (raise both together if the topic's `retention.ms` is raised). App bots' card
   * message ids are kept as long, and at least APP_CARD_EDITABLE_DAYS.
   */
  LARK_SENDER_LEDGER_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(NOTIFICATIONS_TOPIC_RETENTION_DAYS + 1, `must be more than ${NOTIFICATIONS_TOPIC_RETENTION_DAYS} days, the notifications topic's retention, or a redelivered notification would post again`)
    .default(30),
  ALERTLARK_RETENTION_SWEEP_MS: retentionSweepMsSchema,
  LARK_SENDER_MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'a MongoDB database name (letters, digits, _ and -)').optional(),
});

/**
 * The sender's state lives in a database of its own: nobody else reads it, and on FerretDB's
 * SQLite backend a database is one file with one writer at a time, so the read models other
 * services write in bulk (alert states, history, statistics, the delivery audit) would otherwise
 * hold up every card's ledger and request-instant writes.
 */
export function senderDatabase(env: Pick<LarkSenderEnv, 'MONGO_URL' | 'LARK_SENDER_MONGO_DB'>): string {
  if (env.LARK_SENDER_MONGO_DB) return env.LARK_SENDER_MONGO_DB;
  const database = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(env.MONGO_URL)?.[1] || 'test';
  return `${database}_sender`;
}
export type LarkSenderEnv = z.output<typeof larkSenderEnvSchema>;
export const LARK_SENDER_ENV = Symbol('LARK_SENDER_ENV');
