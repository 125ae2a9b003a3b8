import { z } from 'zod';

/** Paging of every list: `?limit=` (1–100, default 20) and `?offset=`. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PageQuery = z.output<typeof pageQuerySchema>;
