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
 * A notification carries at most this many of its group's alerts, those a card lists first
 * (`cardOrder`); `totals` counts the whole group. The default card fits fewer in Lark's 20 KB
 * (card.render.spec checks it), so a card shows what it would with every alert carried, while a
 * 1,500-alert group no longer costs 1,500 alerts' bytes every group interval in Kafka, the router
 * and the sender.
 */
export const MAX_ALERTS_PER_NOTIFICATION = 200;

/**
 * A decision to tell one notification object (a Lark chatbot) about a group of alerts, on
 * `alertlark.notifications.v1`, keyed by `notificationKey` (its webhook's key) so one lark-sender
 * owns each webhook and its rate budget, whichever chatbots post to it.
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
