import { z } from 'zod';
import { policyRuleShapeSchema } from './policy-rule';
import { timeIntervalSchema } from './time-interval';
import { isIanaTimeZone } from './time-zone';

export { isIanaTimeZone } from './time-zone';

/** Every API error has this one shape. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const createTeamBodySchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();
export type CreateTeamBody = z.infer<typeof createTeamBodySchema>;

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;


export const dailyStatsConfigSchema = z
  .object({
    enabled: z.boolean(),
    times: z.array(z.string().regex(hhmm, 'must be HH:mm (24 h)')).max(24).default([]),
    timezone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone').optional(),
  })
  .strict();
export type DailyStatsConfig = z.infer<typeof dailyStatsConfigSchema>;

/** How cards for one notification object look; rendering lives in libs/lark. */
export const cardConfigSchema = z
  .object({
    language: z.enum(['en', 'zh']).default('en'),
    /** Labels shown on the card, in this order; absent means the grouping labels. */
    labels: z.array(z.string().min(1)).max(30).optional(),
    /** Annotations shown, in this order; absent means summary then description. */
    annotations: z.array(z.string().min(1)).max(30).optional(),
    /** open_ids to @mention on firing cards, or "all". */
    mentions: z.array(z.string().regex(/^(all|ou_[A-Za-z0-9_-]+)$/)).max(20).optional(),
  })
  .strict();
export type CardConfig = z.infer<typeof cardConfigSchema>;

export const createNotificationObjectBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    webhookUrl: z.string().min(1).max(500),
    secret: z.string().min(1).max(200).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
    dailyStats: dailyStatsConfigSchema.optional(),
    card: cardConfigSchema.optional(),
  })
  .strict();
export type CreateNotificationObjectBody = z.infer<typeof createNotificationObjectBodySchema>;

/** Durations the way Alertmanager writes them: 30s, 5m, 4h, 1h30m. */
export const durationSchema = z.string().regex(/^(\d+(ms|s|m|h|d|w))+$/, 'must be a duration like 30s, 5m or 4h');

export const createNotificationPolicyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Alertmanager matchers, all of which must match. */
    matchers: z.array(z.string().min(1).max(1000)).max(50).default([]),
    /** The rule form: when given, one of the rules must match as well. */
    rules: z.array(policyRuleShapeSchema).max(20).optional(),
    objectIds: z.array(z.string().min(1)).min(1).max(50),
    groupBy: z.array(z.string().min(1)).max(30).optional(),
    groupWait: durationSchema.optional(),
    groupInterval: durationSchema.optional(),
    repeatInterval: durationSchema.optional(),
    sendResolved: z.boolean().default(true),
    enabled: z.boolean().default(true),
    /** No notifications while the time is in any of these. */
    muteTimeIntervals: z.array(timeIntervalSchema).max(20).optional(),
    /** When given, notifications only while the time is in one of these. */
    activeTimeIntervals: z.array(timeIntervalSchema).max(20).optional(),
  })
  .strict();
export type CreateNotificationPolicyBody = z.infer<typeof createNotificationPolicyBodySchema>;

const isoInstant = z.iso.datetime({ offset: true });

/** A silence as Alertmanager has it: matchers (all must match), a time range, who and why. */
export const createSilenceBodySchema = z
  .object({
    matchers: z.array(z.string().min(1).max(1000)).min(1, 'a silence needs at least one matcher').max(50),
    /** Defaults to now. */
    startsAt: isoInstant.optional(),
    endsAt: isoInstant,
    comment: z.string().trim().min(1).max(1000),
    createdBy: z.string().trim().min(1).max(200),
  })
  .strict()
  .refine((body) => Date.parse(body.endsAt) > Date.parse(body.startsAt ?? new Date().toISOString()), {
    message: 'endsAt must be after startsAt (and after now when startsAt is left out)',
    path: ['endsAt'],
  });
export type CreateSilenceBody = z.infer<typeof createSilenceBodySchema>;

export const silenceStateSchema = z.enum(['pending', 'active', 'expired']);
export type SilenceState = z.infer<typeof silenceStateSchema>;

/**
 * Alertmanager's inhibit rule: while an alert matching `sourceMatchers` fires, alerts matching
 * `targetMatchers` that carry the same values for every `equal` label are not notified.
 */
export const createInhibitionRuleBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    sourceMatchers: z.array(z.string().min(1).max(1000)).min(1).max(50),
    targetMatchers: z.array(z.string().min(1).max(1000)).min(1).max(50),
    equal: z.array(z.string().min(1)).max(30).default([]),
  })
  .strict();
export type CreateInhibitionRuleBody = z.infer<typeof createInhibitionRuleBodySchema>;
