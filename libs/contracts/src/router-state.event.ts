import { z } from 'zod';
import { incidentSchema } from './action.event';
import { alertStatusSchema } from './alert.event';
import { labelPairsSchema } from './labels';

const fingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/);
const isoSchema = z.iso.datetime({ offset: true });

/** What policy-router remembers of one alert (its last event, and the groups it is in). */
export const routedAlertSchema = z.object({
  kind: z.literal('alert'),
  teamId: z.string().min(1),
  fingerprint: fingerprintSchema,
  status: alertStatusSchema,
  labels: labelPairsSchema,
  annotations: labelPairsSchema,
  startsAt: isoSchema,
  /** Epoch ms; null: no end known (Alertmanager's firing alerts). */
  endsAt: z.number().int().nullable(),
  generatorURL: z.string().optional(),
  source: z.enum(['alertmanager', 'prometheus']),
  lastEventId: z.string().min(1),
  lastReceivedAt: isoSchema,
  /** The input offset of the last event applied: an older event replayed after a restore is skipped. */
  offset: z.number().int().nonnegative(),
  groupKeys: z.array(z.string().min(1)),
  /**
   * The groups (of `groupKeys`) that count this alert without a member record: they were full
   * (POLICY_ROUTER_MAX_GROUP_MEMBERS) when it joined. Absent when there are none.
   */
  beyondCap: z.array(z.string().min(1)).optional(),
});
export type RoutedAlert = z.infer<typeof routedAlertSchema>;

/** `beyondFiring`: how many firing alerts beyond the group's members it counted (not listed). */
const notificationLogSchema = z.object({ at: z.number().int(), firing: z.array(fingerprintSchema), resolved: z.array(fingerprintSchema), beyondFiring: z.number().int().nonnegative().optional() });

/**
 * The most members a group may be configured to hold (POLICY_ROUTER_MAX_GROUP_MEMBERS). A group's
 * record lists fingerprints (19 bytes of JSON each) of members only: its notification log at most
 * twice its members (those told, and those promoted after), its incident's quieted alerts at most
 * its members. So a full group's record stays near 1.1 MB, within the 2 MB the router's restore
 * fetches at a time and far from the 4 MiB a message may have: a changelog record too large
 * cannot be made, however many alerts the group counts.
 */
export const MAX_GROUP_MEMBERS_LIMIT = 20_000;

/** One policy's group: its timer and notification log. Members are records of their own. */
export const routedGroupSchema = z.object({
  kind: z.literal('group'),
  groupKey: z.string().min(1),
  teamId: z.string().min(1),
  policyId: z.string().min(1),
  groupLabels: labelPairsSchema,
  /** Changes when a group is dropped and created again, so its notification ids never repeat. */
  incarnation: z.string().min(1),
  flushAt: z.number().int().nullable(),
  lastFlushAt: z.number().int().nullable(),
  notificationSeq: z.number().int().nonnegative(),
  lastNotification: notificationLogSchema.nullable(),
  /** Incidents opened in this incarnation: the next one's id comes from it, so a replay makes the same id. */
  incidentSeq: z.number().int().nonnegative().default(0),
  /** The incident under way; null while nothing fires (records from before incidents have none). */
  incident: incidentSchema.nullable().default(null),
  /**
   * The last actions decided on the group (at most ROUTER_RECENT_ACTIONS): an action read again
   * after a restart gets its first decision again instead of being decided anew.
   */
  recentActions: z.array(z.object({ id: z.string(), outcome: z.enum(['applied', 'refused']), reason: z.string().optional() })).default([]),
});

export const ROUTER_RECENT_ACTIONS = 20;
export type RoutedGroup = z.infer<typeof routedGroupSchema>;

/** An alert's membership of a group; `eventId` tells a flush whether it changed meanwhile. */
export const groupMemberSchema = z.object({
  kind: z.literal('member'),
  groupKey: z.string().min(1),
  fingerprint: fingerprintSchema,
  status: alertStatusSchema,
  eventId: z.string().min(1),
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

/**
 * policy-router's changelog, `<consumer group prefix>.router-state.v1` (compacted): every change of its
 * in-memory state, one record per alert, group header and group member, so a change costs O(1)
 * bytes whatever the group's size. Partition p holds the state of partition p of the alerts topic;
 * a replica assigned that partition restores it from here. A null value (tombstone) removes the key.
 */
export const routerStateSchema = z.discriminatedUnion('kind', [routedAlertSchema, routedGroupSchema, groupMemberSchema]);
export type RouterStateRecord = z.infer<typeof routerStateSchema>;

/** Changelog keys: the kind first, so a tombstone says what it removes. */
export const routerStateKey = {
  alert: (teamId: string, fingerprint: string) => `a|${teamId}/${fingerprint}`,
  group: (groupKey: string) => `g|${groupKey}`,
  /** The fingerprint has a fixed length, so the group key after it needs no escaping. */
  member: (groupKey: string, fingerprint: string) => `m|${fingerprint}|${groupKey}`,
} as const;

export type RouterStateKey =
  | { kind: 'alert'; alertId: string }
  | { kind: 'group'; groupKey: string }
  | { kind: 'member'; groupKey: string; fingerprint: string };

export function parseRouterStateKey(key: string): RouterStateKey | null {
  if (key.startsWith('a|')) return { kind: 'alert', alertId: key.slice(2) };
  if (key.startsWith('g|') && key.length > 2) return { kind: 'group', groupKey: key.slice(2) };
  if (key.startsWith('m|') && key[18] === '|' && key.length > 19) return { kind: 'member', fingerprint: key.slice(2, 18), groupKey: key.slice(19) };
  return null;
}

/** What happened to an alert, on `alertlark.alert-history.v1`: it fired, it resolved, or a notification carried it. */
export const alertHistoryEventSchema = z.object({
  /** Deterministic, so a replayed batch records nothing twice. */
  id: z.string().min(1),
  teamId: z.string().min(1),
  fingerprint: fingerprintSchema,
  at: isoSchema,
  kind: z.enum(['firing', 'resolved', 'notified']),
  policyId: z.string().optional(),
  groupKey: z.string().optional(),
  objectIds: z.array(z.string()).optional(),
  detail: z.string().optional(),
});
export type AlertHistoryEvent = z.infer<typeof alertHistoryEventSchema>;
