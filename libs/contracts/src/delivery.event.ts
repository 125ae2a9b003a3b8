import { z } from 'zod';

/**
 * What one attempt came to: `delivered`; `retrying` (transient failure or rate limit, tried again
 * with backoff); `failed` (Lark said no for good: 19001, 19021, 19022, 19024, 19036, or the chatbot
 * was deleted); `dead-lettered` (still failing at the delivery deadline: the notification went to
 * the dead-letter topic, from where it can be replayed).
 */
export const deliveryOutcomeSchema = z.enum(['delivered', 'retrying', 'failed', 'dead-lettered']);
export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;

/**
 * One notification's part in one request to Lark, on `alertlark.deliveries.v1`, keyed by
 * `objectId`. When a chatbot's rate budget is short, several notifications go out as one digest
 * card: each of them gets its own event per attempt, sharing the `digestId`.
 */
export const deliveryEventSchema = z.object({
  deliveryId: z.string().min(1),
  notificationId: z.string().min(1),
  teamId: z.string().min(1),
  objectId: z.string().min(1),
  attempt: z.number().int().min(1),
  outcome: deliveryOutcomeSchema,
  /** Set when the request carried a digest of several notifications. */
  digestId: z.string().min(1).optional(),
  httpStatus: z.number().int().optional(),
  larkCode: z.number().int().optional(),
  larkMsg: z.string().optional(),
  error: z.string().optional(),
  /** Alerts of this notification (not of the whole digest). */
  alertCount: z.number().int().min(0),
  at: z.string(),
  durationMs: z.number().min(0),
});
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;
