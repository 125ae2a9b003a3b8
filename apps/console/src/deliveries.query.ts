import { z } from 'zod';
import { deliveryOutcomeSchema, type DeliveryOutcome } from '@alertlark/contracts';
import type { ValidationIssue } from './validation';

/** The largest page of the delivery audit, and the deepest page (skip costs grow with it). */
export const DELIVERIES_MAX_PAGE_SIZE = 100;
export const DELIVERIES_MAX_PAGE = 10_000;

const id = (what: string) =>
  z
    .string({ error: `must be one ${what}` })
    .trim()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters');

const positiveInt = (max: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);

export const deliveriesQuerySchema = z.object({
  objectId: id('notification object id').optional(),
  outcome: z
    .enum(deliveryOutcomeSchema.options, { error: `must be one of ${deliveryOutcomeSchema.options.join(', ')}` })
    .optional(),
  notificationId: id('notification id').optional(),
  digestId: id('digest id').optional(),
  page: positiveInt(DELIVERIES_MAX_PAGE).default(1),
  pageSize: positiveInt(DELIVERIES_MAX_PAGE_SIZE).default(20),
});

const KNOWN = Object.keys(deliveriesQuerySchema.shape);

export interface DeliveriesQuery {
  objectId?: string;
  outcome?: DeliveryOutcome;
  notificationId?: string;
  digestId?: string;
  page: number;
  pageSize: number;
}

export type ParsedDeliveriesQuery = { ok: true; value: DeliveriesQuery } | { ok: false; issues: ValidationIssue[] };

/**
 * `GET /deliveries?objectId=&outcome=&notificationId=&digestId=&page=&pageSize=`. Every filter is optional;
 * `page` counts from 1. An unknown parameter is refused rather than ignored: a misspelt filter
 * (`?outcomes=failed`) would otherwise answer with every delivery, looking like a result.
 */
export function parseDeliveriesQuery(query: unknown): ParsedDeliveriesQuery {
  const raw = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const issues: ValidationIssue[] = Object.keys(raw)
    .filter((key) => !KNOWN.includes(key))
    .map((key) => ({ path: key, message: `unknown parameter; use ${KNOWN.join(', ')}` }));
  const parsed = deliveriesQuerySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') continue;
      issues.push({ path: issue.path.join('.') || '(query)', message: issue.message });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  const { objectId, outcome, notificationId, digestId, page, pageSize } = parsed.data;
  return {
    ok: true,
    value: {
      ...(objectId !== undefined ? { objectId } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
      ...(notificationId !== undefined ? { notificationId } : {}),
      ...(digestId !== undefined ? { digestId } : {}),
      page,
      pageSize,
    },
  };
}
