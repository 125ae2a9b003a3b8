import type { z } from 'zod';
import { commonEnvSchema, servicePorts } from '@alertlark/service-kit';

export const statsEnvSchema = commonEnvSchema.extend({ STATS_PORT: servicePorts.stats });
export type StatsEnv = z.output<typeof statsEnvSchema>;
