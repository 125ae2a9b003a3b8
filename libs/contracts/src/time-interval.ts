import { z } from 'zod';
import { isIanaTimeZone } from './time-zone';

/**
 * One time interval as Alertmanager's `time_intervals` entries have it, in camelCase. Every field
 * given must match (AND); a field left out matches any time. The field syntax (ranges such as
 * `monday:friday`, `1:5`, `-1`, `09:00`–`24:00`) is checked by libs/routing's compileTimeInterval.
 */
export const timeIntervalSchema = z
  .object({
    times: z
      .array(z.object({ start: z.string(), end: z.string() }).strict())
      .max(20)
      .optional(),
    /** `monday`, or an inclusive range `monday:friday`. */
    weekdays: z.array(z.string()).max(7).optional(),
    /** `1`..`31`, `-1` for the last day, or ranges `1:5`, `-3:-1`. */
    daysOfMonth: z.array(z.string()).max(31).optional(),
    /** `january` or `1`..`12`, or ranges `january:march`. */
    months: z.array(z.string()).max(12).optional(),
    /** `2026`, or ranges `2026:2027`. */
    years: z.array(z.string()).max(20).optional(),
    /** IANA time zone the fields are read in; UTC when absent. */
    timezone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone').optional(),
  })
  .strict();
export type TimeInterval = z.infer<typeof timeIntervalSchema>;
