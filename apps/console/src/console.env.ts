import { z } from 'zod';
import { isIanaTimeZone } from '@alertlark/contracts';
import { secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, servicePorts, webhookHostsAllowSchema } from '@alertlark/service-kit';

export const consoleEnvSchema = commonEnvSchema.extend({
  CONSOLE_PORT: servicePorts.console,
  ALERTLARK_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  ALERTLARK_SECRET_KEY: secretKeySchema,
  ALERTLARK_WEBHOOK_HOSTS_ALLOW: webhookHostsAllowSchema,
  /** The zone of chatbots whose daily statistics name none (GET /stats/daily); the same as the stats service's. */
  ALERTLARK_DEFAULT_TIMEZONE: z.string().refine(isIanaTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone` }).default('UTC'),
});
export type ConsoleEnv = z.output<typeof consoleEnvSchema>;

export const CONSOLE_ENV = Symbol('CONSOLE_ENV');
