import { createHash } from 'node:crypto';
import { z } from 'zod';
import { labelPairsSchema } from './labels';

const isoSchema = z.iso.datetime({ offset: true });

/**
 * The public id of a team's alert group (`grp_` and 24 hex digits of a SHA-256): the router's
 * group key is a policy id and label values, too long for a URL on a card and not for everyone's
 * eyes. The team is part of it, so one team's id never names another team's group.
 */
export function alertGroupId(teamId: string, groupKey: string): string {
  return `grp_${createHash('sha256').update(`${teamId}\n${groupKey}`, 'utf8').digest('hex').slice(0, 24)}`;
}

export const ACTION_KINDS = ['claim', 'unclaim', 'resolve', 'silence'] as const;
export const actionKindSchema = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof actionKindSchema>;

/** Where an action came from: an action link of a custom bot's card, an app bot's callback button, or the console. */
export const actionSourceSchema = z.enum(['link', 'callback', 'console']);

/**
 * What an app bot's callback button carries, and Lark hands back to the console when it is
 * clicked (`card.action.trigger`): the action, and the group and incident it was made for.
 */
export const cardActionValueSchema = z
  .object({
    action: actionKindSchema,
    groupId: z.string().min(1).max(100),
    incidentId: z.string().min(1).max(100),
    /** For `silence`. */
    durationMs: z.number().int().min(60_000).max(7 * 24 * 3_600_000).optional(),
  })
  .strict();
export type CardActionValue = z.infer<typeof cardActionValueSchema>;
export type ActionSource = z.infer<typeof actionSourceSchema>;

/**
 * Who acted. `verified`: Lark told us who (an app callback's operator `open_id`) or the console's
 * token did; a name typed on an action link's page is not.
 */
export const actorSchema = z.object({
  name: z.string().min(1).max(200),
  verified: z.boolean(),
  openId: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * An alert group's incident: opened when the group starts firing, over when all its alerts have
 * cleared. Someone may claim it (escalation waiting for a claim stops) or resolve it by hand (its
 * alerts still firing then send nothing more until they clear).
 */
export const incidentSchema = z.object({
  id: z.string().min(1),
  openedAt: z.number().int(),
  state: z.enum(['open', 'claimed', 'resolved']),
  claimedBy: actorSchema.nullable(),
  claimedAt: z.number().int().nullable(),
  resolvedBy: actorSchema.nullable(),
  resolvedAt: z.number().int().nullable(),
  /** Resolved by hand: the alerts firing then. A flush with another alert firing opens a new incident. */
  quieted: z.array(z.string()),
  /** The last silence made from the chat for this group. */
  silence: z.object({ id: z.string().min(1), endsAt: isoSchema, by: actorSchema }).nullable(),
  /**
   * The policy's escalation: its clock (when the incident opened, or was last unclaimed) and how
   * many times each step has fired, recorded with the step's notifications so that a step fires
   * once across restarts and replicas.
   */
  escalation: z.object({ since: z.number().int(), fired: z.array(z.number().int().nonnegative()) }).default({ since: 0, fired: [] }),
});
export type Incident = z.infer<typeof incidentSchema>;

/** What a card or page shows of a group's incident: not the fingerprints (may be thousands), nor the escalation's bookkeeping. */
export const incidentViewSchema = incidentSchema.omit({ quieted: true, escalation: true });
export type IncidentView = z.infer<typeof incidentViewSchema>;

export function incidentView({ quieted: _quieted, escalation: _escalation, ...view }: Incident): IncidentView {
  return view;
}

/** Asked for by the console (a link's page, an app callback, the API); the router decides it. */
export const actionRequestedSchema = z.object({
  type: z.literal('action.requested'),
  actionId: z.string().min(1),
  teamId: z.string().min(1),
  groupId: z.string().min(1),
  /** The incident a link or button was made for: an action on an incident that is over is refused. */
  incidentId: z.string().min(1).optional(),
  action: actionKindSchema,
  actor: actorSchema,
  source: actionSourceSchema,
  /** For `silence`: the silence the console created, published on the config topic like any other. */
  silence: z.object({ id: z.string().min(1), endsAt: isoSchema }).optional(),
  requestedAt: isoSchema,
});
export type ActionRequested = z.infer<typeof actionRequestedSchema>;

/** The router's decision on a request, with the incident as it is after it. */
export const actionDecidedSchema = z.object({
  type: z.literal('action.decided'),
  actionId: z.string().min(1),
  teamId: z.string().min(1),
  groupId: z.string().min(1),
  action: actionKindSchema,
  actor: actorSchema,
  source: actionSourceSchema,
  outcome: z.enum(['applied', 'refused']),
  /** Refused: why, for the person who asked ("already claimed by Alice"). */
  reason: z.string().optional(),
  incident: incidentViewSchema.nullable(),
  /** What the group is, for the console's pages: set when the group exists. */
  group: z.object({ groupKey: z.string(), policyId: z.string(), groupLabels: labelPairsSchema }).optional(),
  decidedAt: isoSchema,
});
export type ActionDecided = z.infer<typeof actionDecidedSchema>;

/**
 * `alertlark.actions.v1`, keyed by group id, on the partition of the group's team (as alerts are):
 * requests and the router's decisions, in the order the router took them.
 */
export const actionEventSchema = z.discriminatedUnion('type', [actionRequestedSchema, actionDecidedSchema]);
export type ActionEvent = z.infer<typeof actionEventSchema>;
