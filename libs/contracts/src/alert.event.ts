import { z } from 'zod';
import { labelPairsSchema } from './labels';

export const alertStatusSchema = z.enum(['firing', 'resolved']);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

/**
 * One alert as ingest saw it, on `alertlark.alerts.v1`, keyed `teamId/fingerprint` so each
 * alert's events stay in order.
 */
export const alertEventSchema = z.object({
  eventId: z.string().min(1),
  teamId: z.string().min(1),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  status: alertStatusSchema,
  labels: labelPairsSchema,
  annotations: labelPairsSchema,
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  generatorURL: z.string().optional(),
  source: z.enum(['alertmanager', 'prometheus']),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

export function alertEventKey(event: Pick<AlertEvent, 'teamId' | 'fingerprint'>): string {
  return `${event.teamId}/${event.fingerprint}`;
}
