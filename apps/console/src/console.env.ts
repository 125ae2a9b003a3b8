import { z } from 'zod';
import { secretKeySchema } from '@alertlark/secrets';
import { commonEnvSchema, servicePorts, webhookHostsAllowSchema } from '@alertlark/service-kit';

export const consoleEnvSchema = commonEnvSchema.extend({
  CONSOLE_PORT: servicePorts.console,
  ALERTLARK_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  ALERTLARK_SECRET_KEY: secretKeySchema,
  ALERTLARK_WEBHOOK_HOSTS_ALLOW: webhookHostsAllowSchema,
});
export type ConsoleEnv = z.output<typeof consoleEnvSchema>;

export const CONSOLE_ENV = Symbol('CONSOLE_ENV');
