import { z } from 'zod';
import { cardConfigSchema, dailyStatsConfigSchema, durationSchema, escalationSchema } from './api.schemas';
import { policyRuleShapeSchema } from './policy-rule';
import { timeIntervalSchema } from './time-interval';

/**
 * Configuration as the console publishes it on the compacted `alertlark.config.v1`, keyed
 * `team/<id>`, `object/<id>` or `policy/<id>`, so every service can hold the latest of each in
 * memory without reading the console's database. Secrets stay encrypted (AES-256-GCM).
 */
export const teamConfigSchema = z.object({
  id: z.string(),
  name: z.string(),
  ingestTokenHash: z.string(),
});
export type TeamConfig = z.infer<typeof teamConfigSchema>;

export const notificationObjectConfigSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  /** A custom bot's webhook URL, sealed; an app bot has `app` instead. */
  webhookUrlEncrypted: z.string().optional(),
  /**
   * A Lark app bot: what sending as it takes (its credentials sealed, its chat, its API base URL).
   * The keys that check its callbacks stay in the console's database.
   */
  app: z
    .object({
      appIdEncrypted: z.string(),
      appSecretEncrypted: z.string(),
      chatId: z.string(),
      baseUrl: z.string(),
    })
    .optional(),
  /**
   * `webhookKey(url)` of its webhook: the key of the webhook's rate budget and of the chatbot's
   * notifications (`notificationKey`). The console computes it on every publication; optional
   * because events published before it existed have none.
   */
  webhookKey: z.string().min(1).optional(),
  secretEncrypted: z.string().optional(),
  keywords: z.array(z.string()),
  dailyStats: dailyStatsConfigSchema.optional(),
  card: cardConfigSchema.optional(),
});
export type NotificationObjectConfig = z.infer<typeof notificationObjectConfigSchema>;

export const notificationPolicyConfigSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  matchers: z.array(z.string()),
  rules: z.array(policyRuleShapeSchema).optional(),
  objectIds: z.array(z.string()),
  groupBy: z.array(z.string()).optional(),
  groupWait: durationSchema.optional(),
  groupInterval: durationSchema.optional(),
  repeatInterval: durationSchema.optional(),
  sendResolved: z.boolean(),
  enabled: z.boolean(),
  muteTimeIntervals: z.array(timeIntervalSchema).optional(),
  activeTimeIntervals: z.array(timeIntervalSchema).optional(),
  escalation: escalationSchema.optional(),
});
export type NotificationPolicyConfig = z.infer<typeof notificationPolicyConfigSchema>;

/** Expiring a silence republishes it with `endsAt` set to the moment it was expired. */
export const silenceConfigSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  matchers: z.array(z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  comment: z.string(),
  createdBy: z.string(),
});
export type SilenceConfig = z.infer<typeof silenceConfigSchema>;

export const inhibitionRuleConfigSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  sourceMatchers: z.array(z.string()),
  targetMatchers: z.array(z.string()),
  equal: z.array(z.string()),
});
export type InhibitionRuleConfig = z.infer<typeof inhibitionRuleConfigSchema>;

export const configEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('team.upserted'), team: teamConfigSchema }),
  z.object({ type: z.literal('team.deleted'), teamId: z.string() }),
  z.object({ type: z.literal('object.upserted'), object: notificationObjectConfigSchema }),
  z.object({ type: z.literal('object.deleted'), teamId: z.string(), objectId: z.string() }),
  z.object({ type: z.literal('policy.upserted'), policy: notificationPolicyConfigSchema }),
  z.object({ type: z.literal('policy.deleted'), teamId: z.string(), policyId: z.string() }),
  z.object({ type: z.literal('silence.upserted'), silence: silenceConfigSchema }),
  z.object({ type: z.literal('inhibition-rule.upserted'), rule: inhibitionRuleConfigSchema }),
  z.object({ type: z.literal('inhibition-rule.deleted'), teamId: z.string(), ruleId: z.string() }),
]);
export type ConfigEvent = z.infer<typeof configEventSchema>;

export function configEventKey(event: ConfigEvent): string {
  switch (event.type) {
    case 'team.upserted':
      return `team/${event.team.id}`;
    case 'team.deleted':
      return `team/${event.teamId}`;
    case 'object.upserted':
      return `object/${event.object.id}`;
    case 'object.deleted':
      return `object/${event.objectId}`;
    case 'policy.upserted':
      return `policy/${event.policy.id}`;
    case 'policy.deleted':
      return `policy/${event.policyId}`;
    case 'silence.upserted':
      return `silence/${event.silence.id}`;
    case 'inhibition-rule.upserted':
      return `inhibition-rule/${event.rule.id}`;
    case 'inhibition-rule.deleted':
      return `inhibition-rule/${event.ruleId}`;
  }
}
