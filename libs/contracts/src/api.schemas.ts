import { z } from 'zod';
import { alertStatusSchema } from './alert.event';
import { labelPairsSchema, toLabelPairs } from './labels';
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

/** `POST /teams/:id/tokens` and `POST /team/tokens`: which of the team's tokens to replace. */
export const rotateTokenBodySchema = z.object({ kind: z.enum(['api', 'ingest']) }).strict();
export type RotateTokenBody = z.infer<typeof rotateTokenBodySchema>;

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;


/**
 * A chatbot's daily statistics: a summary posted at each of `times` (local to `timezone`, default
 * ALERTLARK_DEFAULT_TIMEZONE). A refusal names the bad value, e.g. `dailyStats.times.0: "25:00" is
 * not a time of day (HH:mm, 24 h)`.
 */
export const dailyStatsConfigSchema = z
  .object({
    enabled: z.boolean(),
    times: z
      .array(z.string().regex(hhmm, { error: (issue) => `${JSON.stringify(issue.input)} is not a time of day (HH:mm, 24 h)` }))
      .max(24, 'at most 24 times a day')
      .default([]),
    timezone: z
      .string()
      .refine(isIanaTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)` })
      .optional(),
  })
  .strict();
export type DailyStatsConfig = z.infer<typeof dailyStatsConfigSchema>;

/** Lark's card header colours (LARK.md, "Cards"). */
export const LARK_HEADER_TEMPLATES = [
  'blue',
  'wathet',
  'turquoise',
  'green',
  'yellow',
  'orange',
  'red',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'grey',
] as const;
export const larkHeaderTemplateSchema = z.enum(LARK_HEADER_TEMPLATES);

/** A custom card template may be at most this large (it must leave room for alerts in 20 KB). */
export const CARD_TEMPLATE_MAX_CHARS = 16_384;

/**
 * How cards for one notification object look; rendering lives in libs/lark (libs/lark/README.md
 * lists the placeholders). The shape is checked here; placeholders, the card shape of `template`
 * and whether the result can carry the keywords are checked by libs/lark's `cardConfigIssues`
 * when the console saves a config, since only the renderer knows them.
 */
export const cardConfigSchema = z
  .object({
    language: z.enum(['en', 'zh']).default('en'),
    /** Labels shown on the card, in this order; absent means the grouping labels. */
    labels: z.array(z.string().min(1)).max(30).optional(),
    /** Annotations shown, in this order; absent means summary then description. */
    annotations: z.array(z.string().min(1)).max(30).optional(),
    /** open_ids to @mention on firing cards, or "all". */
    mentions: z.array(z.string().regex(/^(all|ou_[A-Za-z0-9_-]+)$/)).max(20).optional(),
    /** The header title with placeholders, e.g. `[{{status}}] {{alertname}} on {{labels.cluster}}`. */
    titleTemplate: z.string().trim().min(1).max(300).optional(),
    /**
     * Header colour of firing cards by severity (case-insensitive), over the defaults (critical
     * red, warning orange, info blue, others orange). Resolved cards are always green.
     */
    severityColors: z
      .record(z.string().trim().min(1).max(50), larkHeaderTemplateSchema)
      .refine((colors) => Object.keys(colors).length <= 30, 'at most 30 severities')
      .optional(),
    /** A whole Lark card (v1 or v2) with placeholders, as JSON text or as an object. */
    template: z
      .union([z.string().trim().min(2), z.record(z.string(), z.unknown())])
      .refine((template) => (typeof template === 'string' ? template : JSON.stringify(template)).length <= CARD_TEMPLATE_MAX_CHARS, {
        message: `must be at most ${CARD_TEMPLATE_MAX_CHARS} characters of JSON`,
      })
      .optional(),
  })
  .strict();
export type CardConfig = z.infer<typeof cardConfigSchema>;

/**
 * A Lark app bot (issue 13): cards sent as the app to one chat, with callback buttons. Every
 * credential is sealed at rest and masked in answers; `host` is `open.feishu.cn`,
 * `open.larksuite.com` or an allowlisted base URL (checked by the console).
 */
export const larkAppBodySchema = z
  .object({
    appId: z.string().regex(/^cli_[A-Za-z0-9]{1,60}$/, 'must be an app id (cli_…)'),
    appSecret: z.string().min(1).max(200),
    encryptKey: z.string().min(1).max(200),
    verificationToken: z.string().min(1).max(200),
    chatId: z.string().regex(/^oc_[A-Za-z0-9_-]{1,100}$/, 'must be a chat id (oc_…)'),
    host: z.string().trim().min(1).max(200),
  })
  .strict();
export type LarkAppBody = z.infer<typeof larkAppBodySchema>;

/** A chatbot is a custom bot (`webhookUrl`, `secret`) or an app bot (`app`), never both. */
export const createNotificationObjectBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    webhookUrl: z.string().min(1).max(500).optional(),
    secret: z.string().min(1).max(200).optional(),
    app: larkAppBodySchema.optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
    dailyStats: dailyStatsConfigSchema.optional(),
    card: cardConfigSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.app && (body.webhookUrl !== undefined || body.secret !== undefined)) {
      context.addIssue({ code: 'custom', path: ['app'], message: 'an app bot has no webhookUrl or secret: give either app or webhookUrl' });
    } else if (!body.app && body.webhookUrl === undefined) {
      context.addIssue({ code: 'custom', path: ['webhookUrl'], message: 'required (or app, for a Lark app bot)' });
    }
  });
export type CreateNotificationObjectBody = z.infer<typeof createNotificationObjectBodySchema>;

/**
 * `PUT /notification-objects/:id`. The webhook URL and the secret are never shown again, so a field
 * left out keeps its current value; `null` removes an optional one (secret, dailyStats, card).
 */
export const updateNotificationObjectBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    webhookUrl: z.string().min(1).max(500).optional(),
    secret: z.string().min(1).max(200).nullable().optional(),
    /** An app bot's settings; those left out keep their value (credentials are never shown again). */
    app: larkAppBodySchema.partial().optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
    dailyStats: dailyStatsConfigSchema.nullable().optional(),
    card: cardConfigSchema.nullable().optional(),
  })
  .strict();
export type UpdateNotificationObjectBody = z.infer<typeof updateNotificationObjectBodySchema>;

/** Labels or annotations as name/value pairs (the wire form) or as a plain object. */
const labelsInputSchema = z.union([labelPairsSchema, z.record(z.string().min(1), z.string()).transform(toLabelPairs)]);

/** One alert to preview or test a card with: a NotificationEvent alert, most fields optional. */
export const cardSampleAlertSchema = z
  .object({
    fingerprint: z.string().min(1).max(100).optional(),
    status: alertStatusSchema.default('firing'),
    labels: labelsInputSchema,
    annotations: labelsInputSchema.default([]),
    /** Defaults to a few minutes ago. */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    generatorURL: z.string().max(2048).optional(),
  })
  .strict();

/**
 * `POST /notification-objects/:id/preview` and `/test`: the alerts to render (default: a built-in
 * sample group) and the notification's status (default: firing when any alert fires).
 */
export const cardSampleBodySchema = z.preprocess(
  (body) => body ?? {},
  z
    .object({
      status: alertStatusSchema.optional(),
      alerts: z.array(cardSampleAlertSchema).min(1).max(500).optional(),
    })
    .strict(),
);
export type CardSampleBody = z.output<typeof cardSampleBodySchema>;

/**
 * `POST /notification-objects/preview`: the card of a chatbot not saved yet, as the console's form
 * has it (name, keywords and card config as on create, all optional), for the alerts of
 * `cardSampleBodySchema` (default: the built-in sample group).
 */
export const cardPreviewBodySchema = z.preprocess(
  (body) => body ?? {},
  z
    .object({
      name: z.string().trim().min(1).max(100).default('new chatbot'),
      keywords: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
      card: cardConfigSchema.optional(),
      status: alertStatusSchema.optional(),
      alerts: z.array(cardSampleAlertSchema).min(1).max(500).optional(),
    })
    .strict(),
);
export type CardPreviewBody = z.output<typeof cardPreviewBodySchema>;

/** Durations the way Alertmanager writes them: 30s, 5m, 4h, 1h30m. */
export const durationSchema = z.string().regex(/^(\d+(ms|s|m|h|d|w))+$/, 'must be a duration like 30s, 5m or 4h');

/**
 * Escalation of a policy's incidents: a step fires when its condition still holds `after` the
 * incident opened (or was last unclaimed), sending the group's card to its chatbots with mentions.
 */
export const escalationStepSchema = z
  .object({
    after: durationSchema,
    when: z.enum(['unclaimed', 'unresolved']),
    objectIds: z.array(z.string().min(1)).min(1).max(20),
    /** `all`, or open_ids (`ou_…`), @-mentioned on the card. */
    mentions: z.array(z.string().regex(/^(all|ou_[A-Za-z0-9_-]+)$/, 'must be all or an open_id (ou_…)')).max(20).default([]),
    /** Fires `times` more, `every` apart, while the condition holds. */
    repeat: z.object({ every: durationSchema, times: z.number().int().min(1).max(20) }).strict().optional(),
  })
  .strict();
export const escalationSchema = z.object({ steps: z.array(escalationStepSchema).min(1).max(10) }).strict();
export type Escalation = z.infer<typeof escalationSchema>;

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
    escalation: escalationSchema.optional(),
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

/** `POST /api/v1/alert-groups/:id/actions`: what the console's user does to the group's incident. */
export const alertGroupActionBodySchema = z
  .object({
    type: z.enum(['claim', 'unclaim', 'resolve', 'silence']),
    actor: z.string().trim().min(1).max(200),
    /** For `silence`: how long (default 1h). */
    duration: durationSchema.optional(),
    comment: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .refine((body) => body.type === 'silence' || body.duration === undefined, { message: 'only a silence takes a duration', path: ['duration'] });
export type AlertGroupActionBody = z.infer<typeof alertGroupActionBodySchema>;

export const alertGroupStateSchema = z.enum(['open', 'claimed', 'resolved']);

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
