import { z } from 'zod';

/** A message a consumer could not accept, kept whole with the reason, on `alertlark.dead-letter.v1`. */
export const deadLetterEventSchema = z.object({
  sourceTopic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
  consumer: z.string(),
  at: z.string(),
});
export type DeadLetterEvent = z.infer<typeof deadLetterEventSchema>;
