import { z } from 'zod';
import { isIanaTimeZone } from '@alertlark/contracts';
import { commonEnvSchema, internalPortSchema, retentionDaysSchema, retentionSweepMsSchema, servicePorts } from '@alertlark/service-kit';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

export const statsEnvSchema = commonEnvSchema.extend({
  STATS_PORT: servicePorts.stats,
  STATS_INTERNAL_PORT: internalPortSchema,
  /** The zone of chatbots whose daily statistics name none. */
  ALERTLARK_DEFAULT_TIMEZONE: z.string().refine(isIanaTimeZone, 'must be an IANA time zone').default('UTC'),
  /** A summary missed while stats was down is posted on recovery within this window, marked late. */
  STATS_SUMMARY_GRACE_MS: int(60_000, 7_200_000),
  /** Posted later than this after its time, a summary is marked late. */
  STATS_SUMMARY_LATE_AFTER_MS: int(0, 120_000),
  /** Each chatbot's posts are shifted past the minute by MIN plus up to SPREAD (fixed by its id and time). */
  STATS_SUMMARY_MIN_SPREAD_MS: int(0, 5_000),
  STATS_SUMMARY_SPREAD_MS: int(0, 25_000),
  STATS_SCHEDULE_POLL_MS: int(100, 5_000),
  /** Days the statistics rows are kept; the console shows at most 92 and a read counts at most 366. */
  STATS_RETENTION_DAYS: retentionDaysSchema(400),
  ALERTLARK_RETENTION_SWEEP_MS: retentionSweepMsSchema,
});
export type StatsEnv = z.output<typeof statsEnvSchema>;
export const STATS_ENV = Symbol('STATS_ENV');
