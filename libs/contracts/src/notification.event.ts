import { z } from 'zod';
import { alertStatusSchema } from './alert.event';
import { labelPairsSchema } from './labels';

/** What a card shows of one alert. */
export const notifiedAlertSchema = z.object({
  fingerprint: z.string(),
  status: alertStatusSchema,
  labels: labelPairsSchema,
  annotations: labelPairsSchema,
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
});
export type NotifiedAlert = z.infer<typeof notifiedAlertSchema>;

/**
 * A decision to tell one notification object (a Lark chatbot) about a group of alerts, on
 * `alertlark.notifications.v1`, keyed by `objectId` so one lark-sender owns each bot.
 * `notificationId` is deterministic, so a redelivered message is recognised by the ledger.
 */
export const notificationEventSchema = z.object({
  notificationId: z.string().min(1),
  teamId: z.string().min(1),
  objectId: z.string().min(1),
  policyId: z.string().min(1),
  groupKey: z.string(),
  groupLabels: labelPairsSchema,
  status: alertStatusSchema,
  alerts: z.array(notifiedAlertSchema).min(1),
  /**
   * How many alerts the group holds: a group larger than the alerts carried (a Kafka message has
   * a size limit) still says how many there are.
   */
  totals: z.object({ firing: z.number().int().min(0), resolved: z.number().int().min(0) }).optional(),
  createdAt: z.string(),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
