import { z } from 'zod';
import { alertStatusSchema } from './alert.event';
import { labelPairsSchema } from './labels';

/**
 * policy-router's internal hand-over, on `alertlark.grouped-alerts.v1`: an alert joined, changed
 * status in, or left one policy's group. Keyed by `groupKey` (with the partition chosen from it),
 * so one router replica owns each group's members and timers. Only changes travel: Prometheus'
 * minute-by-minute re-sends of an unchanged alert stop at the first stage.
 */
export const groupedAlertEventSchema = z.object({
  /** The alert event that caused this change. */
  eventId: z.string().min(1),
  teamId: z.string().min(1),
  policyId: z.string().min(1),
  groupKey: z.string().min(1),
  groupLabels: labelPairsSchema,
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  /** `upsert`: the alert is in the group with this status; `leave`: the policy no longer takes it. */
  change: z.enum(['upsert', 'leave']),
  status: alertStatusSchema,
  startsAt: z.iso.datetime({ offset: true }),
  at: z.iso.datetime({ offset: true }),
});
export type GroupedAlertEvent = z.infer<typeof groupedAlertEventSchema>;
