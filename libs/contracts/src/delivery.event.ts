import { z } from 'zod';

/** One attempt to post a notification to Lark, on `alertlark.deliveries.v1`, keyed by `objectId`. */
export const deliveryEventSchema = z.object({
  deliveryId: z.string().min(1),
  notificationId: z.string().min(1),
  teamId: z.string().min(1),
  objectId: z.string().min(1),
  attempt: z.number().int().min(1),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  httpStatus: z.number().int().optional(),
  larkCode: z.number().int().optional(),
  larkMsg: z.string().optional(),
  error: z.string().optional(),
  alertCount: z.number().int().min(0),
  at: z.string(),
  durationMs: z.number().min(0),
});
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;
