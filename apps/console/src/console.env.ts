import { z } from 'zod';
import { isIanaTimeZone } from '@alertlark/contracts';
import { actionTokenKeysSchema, secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, internalPortSchema, retentionDaysSchema, retentionSweepMsSchema, servicePorts, webhookHostsAllowSchema } from '@alertlark/service-kit';

export const consoleEnvSchema = commonEnvSchema.extend({
  CONSOLE_PORT: servicePorts.console,
  CONSOLE_INTERNAL_PORT: internalPortSchema,
  ALERTLARK_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  ALERTLARK_SECRET_KEY: secretKeySchema,
  ALERTLARK_WEBHOOK_HOSTS_ALLOW: webhookHostsAllowSchema,
  /** Keys of action links on cards (`kid:<key>,…`, the first signs); unset: one derived from ALERTLARK_SECRET_KEY. */
  ALERTLARK_ACTION_LINK_KEYS: actionTokenKeysSchema.optional(),
  /** How long an action's page or API call waits for the router's decision before answering that it is under way. */
  CONSOLE_ACTION_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),
  /** Per-team caps (a create past one is a 409 naming it): see apps/console/src/team-caps.ts. */
  CONSOLE_TEAM_MAX_CHATBOTS: z.coerce.number().int().min(1).default(200),
  CONSOLE_TEAM_MAX_POLICIES: z.coerce.number().int().min(1).default(500),
  /** Pending or active silences; expired ones do not count. */
  CONSOLE_TEAM_MAX_SILENCES: z.coerce.number().int().min(1).default(1_000),
  CONSOLE_TEAM_MAX_INHIBITION_RULES: z.coerce.number().int().min(1).default(200),
  /** Days the console keeps alert history and delivery attempts (its read models); older rows are swept. */
  ALERTLARK_RETENTION_HISTORY_DAYS: retentionDaysSchema(30),
  ALERTLARK_RETENTION_DELIVERIES_DAYS: retentionDaysSchema(30),
  ALERTLARK_RETENTION_SWEEP_MS: retentionSweepMsSchema,
  /** The zone of chatbots whose daily statistics name none (GET /stats/daily); the same as the stats service's. */
  ALERTLARK_DEFAULT_TIMEZONE: z.string().refine(isIanaTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone` }).default('UTC'),
});
export type ConsoleEnv = z.output<typeof consoleEnvSchema>;

export const CONSOLE_ENV = Symbol('CONSOLE_ENV');
