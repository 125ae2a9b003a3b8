import { z } from 'zod';
import { actionKindSchema, actionSourceSchema, actorSchema, incidentViewSchema } from './action.event';
import { cardConfigSchema, dailyStatsConfigSchema, escalationSchema, silenceStateSchema } from './api.schemas';
import { dailyCountsSchema } from './daily-summary.event';
import { deliveryOutcomeSchema } from './delivery.event';
import { policyRuleShapeSchema } from './policy-rule';
import { timeIntervalSchema } from './time-interval';

/**
 * What the console API answers, route by route. The console's views are typed from these, `/api/docs`
 * documents them, and the API tests check real answers against them. Strict: an answer carrying
 * a field not named here (a secret, say) fails those tests.
 */
const instant = z.iso.datetime({ offset: true });
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), limit: z.number().int(), offset: z.number().int() }).strict();

export const teamViewSchema = z.object({ id: z.string(), name: z.string(), createdAt: instant }).strict();
export const teamCreatedSchema = teamViewSchema.extend({ apiToken: z.string(), ingestToken: z.string() }).strict();
export const tokenRotatedSchema = z.object({ id: z.string(), kind: z.enum(['api', 'ingest']), token: z.string(), rotatedAt: instant }).strict();

export const notificationObjectViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** `webhook`: a custom bot; `app`: a Lark app bot. */
    kind: z.enum(['webhook', 'app']),
    /** The bot token masked to its last four characters; null for an app bot. */
    webhookUrl: z.string().nullable(),
    /** `****` when the chatbot signs, else null; the secret itself is never answered. */
    secret: z.literal('****').nullable(),
    /** An app bot: its credentials masked, its chat and host, and the callback URL to set in Lark. */
    app: z
      .object({
        appId: z.string(),
        appSecret: z.literal('****'),
        encryptKey: z.literal('****'),
        verificationToken: z.literal('****'),
        chatId: z.string(),
        host: z.string(),
        callbackUrl: z.string(),
      })
      .strict()
      .nullable(),
    keywords: z.array(z.string()),
    dailyStats: dailyStatsConfigSchema.nullable(),
    card: cardConfigSchema.partial().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();

export const cardPreviewSchema = z
  .object({
    /** The request body lark-sender would post, before signing. */
    card: z.object({ msg_type: z.literal('interactive'), card: z.record(z.string(), z.unknown()) }).strict(),
    bytes: z.number().int(),
    shownAlerts: z.number().int(),
    omittedAlerts: z.number().int(),
  })
  .strict();

export const testSendAnswerSchema = z
  .object({
    ok: z.boolean(),
    /** Lark's own `code` and `msg`; null when the answer carried none (e.g. an HTTP 5xx page). */
    code: z.number().int().nullable(),
    msg: z.string().nullable(),
    httpStatus: z.number().int(),
    /** How Alertlark reads the answer: `ok`, `keyword-not-found`, `signature-mismatch`, ... */
    reason: z.string(),
  })
  .strict();

export const notificationPolicyViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    matchers: z.array(z.string()),
    rules: z.array(policyRuleShapeSchema).nullable(),
    objectIds: z.array(z.string()),
    groupBy: z.array(z.string()),
    groupWait: z.string(),
    groupInterval: z.string(),
    repeatInterval: z.string(),
    sendResolved: z.boolean(),
    enabled: z.boolean(),
    muteTimeIntervals: z.array(timeIntervalSchema).nullable(),
    activeTimeIntervals: z.array(timeIntervalSchema).nullable(),
    escalation: escalationSchema.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();

export const silenceViewSchema = z
  .object({
    id: z.string(),
    matchers: z.array(z.string()),
    startsAt: instant,
    endsAt: instant,
    state: silenceStateSchema,
    comment: z.string(),
    createdBy: z.string(),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();

export const inhibitionRuleViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    sourceMatchers: z.array(z.string()),
    targetMatchers: z.array(z.string()),
    equal: z.array(z.string()),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();

export const alertViewSchema = z
  .object({
    fingerprint: z.string(),
    /** As of the answer: a firing alert whose `endsAt` has passed is resolved. */
    state: z.enum(['firing', 'resolved']),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    startsAt: instant,
    endsAt: instant.nullable(),
    generatorURL: z.string().nullable(),
    lastReceivedAt: instant,
  })
  .strict();

/** One history entry; the fields a kind does not have are left out. */
export const alertHistoryEntryViewSchema = z
  .object({
    at: instant,
    kind: z.enum(['firing', 'resolved', 'notified']),
    policyId: z.string().optional(),
    groupKey: z.string().optional(),
    objectIds: z.array(z.string()).optional(),
    detail: z.string().optional(),
  })
  .strict();

export const alertDetailSchema = alertViewSchema.extend({ history: z.array(alertHistoryEntryViewSchema) }).strict();

export const deliveryViewSchema = z
  .object({
    deliveryId: z.string(),
    notificationId: z.string(),
    digestId: z.string().nullable(),
    objectId: z.string(),
    attempt: z.number().int(),
    outcome: deliveryOutcomeSchema,
    httpStatus: z.number().int().nullable(),
    larkCode: z.number().int().nullable(),
    larkMsg: z.string().nullable(),
    error: z.string().nullable(),
    alertCount: z.number().int(),
    at: instant,
    durationMs: z.number(),
  })
  .strict();

export const dailyStatsAnswerSchema = z.object({ objectId: z.string(), timezone: z.string(), days: z.array(dailyCountsSchema) }).strict();

export const alertGroupViewSchema = z
  .object({
    id: z.string(),
    policyId: z.string(),
    groupLabels: z.array(z.object({ name: z.string(), value: z.string() }).strict()),
    /** The incident's state; `ended` once every alert of the group cleared, `quiet` while none shown fires. */
    state: z.enum(['open', 'claimed', 'resolved', 'ended', 'quiet']),
    incident: incidentViewSchema.nullable(),
    /** Who claimed the incident. */
    handler: actorSchema.nullable(),
    /** The last silence made from the chat for the group. */
    silenceId: z.string().nullable(),
    updatedAt: instant,
    endedAt: instant.nullable(),
  })
  .strict();

export const alertGroupActionViewSchema = z
  .object({
    id: z.string(),
    type: actionKindSchema,
    actor: actorSchema,
    source: actionSourceSchema,
    requestedAt: instant,
    outcome: z.enum(['applied', 'refused', 'pending']),
    reason: z.string().optional(),
    decidedAt: instant.optional(),
    silenceId: z.string().optional(),
  })
  .strict();

export const alertGroupDetailSchema = alertGroupViewSchema.extend({ firing: z.number().int(), actions: z.array(alertGroupActionViewSchema) }).strict();

export const actionResultSchema = z
  .object({
    actionId: z.string(),
    /** `pending`: not decided within the console's wait; the group's action log will show it. */
    outcome: z.enum(['applied', 'refused', 'pending']),
    reason: z.string().optional(),
    incident: incidentViewSchema.nullable().optional(),
    silenceId: z.string().optional(),
  })
  .strict();

/** The success answer of each route, keyed `METHOD /path` as Nest spells the path; 204s have none. */
export const API_RESPONSES = {
  'POST /api/v1/teams': teamCreatedSchema,
  'GET /api/v1/teams': z.object({ items: z.array(teamViewSchema) }).strict(),
  'POST /api/v1/teams/:id/tokens': tokenRotatedSchema,
  'POST /api/v1/team/tokens': tokenRotatedSchema,
  'POST /api/v1/notification-objects': notificationObjectViewSchema,
  'GET /api/v1/notification-objects': page(notificationObjectViewSchema),
  'GET /api/v1/notification-objects/:id': notificationObjectViewSchema,
  'PUT /api/v1/notification-objects/:id': notificationObjectViewSchema,
  'POST /api/v1/notification-objects/:id/preview': cardPreviewSchema,
  'POST /api/v1/notification-objects/:id/test': testSendAnswerSchema,
  'POST /api/v1/notification-policies': notificationPolicyViewSchema,
  'GET /api/v1/notification-policies': page(notificationPolicyViewSchema),
  'GET /api/v1/notification-policies/:id': notificationPolicyViewSchema,
  'PUT /api/v1/notification-policies/:id': notificationPolicyViewSchema,
  'POST /api/v1/silences': silenceViewSchema,
  'GET /api/v1/silences': page(silenceViewSchema),
  'GET /api/v1/silences/:id': silenceViewSchema,
  'DELETE /api/v1/silences/:id': silenceViewSchema,
  'POST /api/v1/inhibition-rules': inhibitionRuleViewSchema,
  'GET /api/v1/inhibition-rules': page(inhibitionRuleViewSchema),
  'GET /api/v1/inhibition-rules/:id': inhibitionRuleViewSchema,
  'GET /api/v1/alerts': page(alertViewSchema)
    .extend({ total: z.number().int() })
    .strict(),
  'GET /api/v1/alerts/:fingerprint': alertDetailSchema,
  'GET /api/v1/alert-groups': page(alertGroupViewSchema),
  'GET /api/v1/alert-groups/:id': alertGroupDetailSchema,
  'POST /api/v1/alert-groups/:id/actions': actionResultSchema,
  'GET /api/v1/deliveries': z.object({ items: z.array(deliveryViewSchema), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() }).strict(),
  'GET /api/v1/stats/daily': dailyStatsAnswerSchema,
  /** A chatbot not saved yet: the same answer as a saved one's preview. */
  'POST /api/v1/notification-objects/preview': cardPreviewSchema,
} as const satisfies Record<string, z.ZodType>;
export type TeamView = z.infer<typeof teamViewSchema>;
export type NotificationObjectView = z.infer<typeof notificationObjectViewSchema>;
export type CardPreview = z.infer<typeof cardPreviewSchema>;
export type TestSendAnswer = z.infer<typeof testSendAnswerSchema>;
export type NotificationPolicyView = z.infer<typeof notificationPolicyViewSchema>;
export type SilenceView = z.infer<typeof silenceViewSchema>;
export type InhibitionRuleView = z.infer<typeof inhibitionRuleViewSchema>;
export type AlertView = z.infer<typeof alertViewSchema>;
export type AlertHistoryEntryView = z.infer<typeof alertHistoryEntryViewSchema>;
export type DeliveryView = z.infer<typeof deliveryViewSchema>;
export type AlertGroupView = z.infer<typeof alertGroupViewSchema>;
export type AlertGroupActionView = z.infer<typeof alertGroupActionViewSchema>;
export type ActionResultView = z.infer<typeof actionResultSchema>;
export type ApiResponseRoute = keyof typeof API_RESPONSES;
export type ApiResponse<R extends ApiResponseRoute> = z.infer<(typeof API_RESPONSES)[R]>;
