import { z } from 'zod';
import { actionKindSchema, actorSchema, incidentViewSchema } from './action.event';
import { alertStatusSchema } from './alert.event';
import { labelPairsSchema } from './labels';

/** What a card shows of one alert. */
export const notifiedAlertSchema = z.object({
  fingerprint: z.string(),
  status: alertStatusSchema,
  labels: labelPairsSchema,
  annotations: labelPairsSchema,
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
});
export type NotifiedAlert = z.infer<typeof notifiedAlertSchema>;

/**
 * A notification carries at most this many of its group's alerts, those a card lists first
 * (`cardOrder`); `totals` counts the whole group. The default card fits fewer in Lark's 20 KB
 * (card.render.spec checks it), so a card shows what it would with every alert carried, while a
 * 1,500-alert group no longer costs 1,500 alerts' bytes every group interval in Kafka, the router
 * and the sender.
 */
export const MAX_ALERTS_PER_NOTIFICATION = 200;

/**
 * The alerts a notification carries take at most this many bytes of JSON. A card shows 20 KB; this
 * bounds a notification far below one Kafka message (libs/kafka MAX_MESSAGE_BYTES, 4 MiB) whatever
 * the alerts carry, so a flush can never make a message the broker refuses forever (the router
 * retries a failed produce until it is acknowledged).
 */
export const MAX_NOTIFICATION_ALERT_BYTES = 1024 * 1024;

/** UTF-16 units of every string in an alert, and how many strings: enough to bound its JSON size. */
function stringSizes(alert: NotifiedAlert): { chars: number; strings: number } {
  let chars = alert.fingerprint.length + alert.status.length + alert.startsAt.length + (alert.endsAt?.length ?? 0) + (alert.generatorURL?.length ?? 0);
  let strings = 5;
  for (const pairs of [alert.labels, alert.annotations]) {
    for (const pair of pairs) {
      chars += pair.name.length + pair.value.length;
      strings += 2;
    }
  }
  return { chars, strings };
}

const utf8 = new TextEncoder();

/** A JSON character takes at most 6 bytes (`\u001f`); each string adds quotes, a key and separators. */
const MAX_BYTES_PER_CHAR = 6;
const MAX_BYTES_PER_STRING = 32;

/**
 * The longest prefix of `alerts` (in the order a card lists them, most important first) whose JSON
 * takes at most `maxBytes`. Counting characters bounds the size, so the common case costs one pass
 * over the strings; alerts are serialised only when that bound says they might not fit.
 */
export function alertsWithinBytes(alerts: readonly NotifiedAlert[], maxBytes: number = MAX_NOTIFICATION_ALERT_BYTES): NotifiedAlert[] {
  let bound = 0;
  for (const alert of alerts) {
    const { chars, strings } = stringSizes(alert);
    bound += chars * MAX_BYTES_PER_CHAR + strings * MAX_BYTES_PER_STRING;
  }
  if (bound <= maxBytes) return [...alerts];
  const kept: NotifiedAlert[] = [];
  let bytes = 2;
  for (const alert of alerts) {
    bytes += utf8.encode(JSON.stringify(alert)).length + 1;
    if (bytes > maxBytes) break;
    kept.push(alert);
  }
  return kept;
}

/**
 * A decision to tell one notification object (a Lark chatbot) about a group of alerts, on
 * `alertlark.notifications.v1`, keyed by `notificationKey` (its webhook's key) so one lark-sender
 * owns each webhook and its rate budget, whichever chatbots post to it.
 * `notificationId` is deterministic, so a redelivered message is recognised by the ledger.
 */
export const notificationEventSchema = z.object({
  notificationId: z.string().min(1),
  teamId: z.string().min(1),
  objectId: z.string().min(1),
  policyId: z.string().min(1),
  groupKey: z.string(),
  groupLabels: labelPairsSchema,
  status: alertStatusSchema,
  alerts: z.array(notifiedAlertSchema).min(1),
  /**
   * How many alerts the group holds: a group larger than the alerts carried (a Kafka message has
   * a size limit) still says how many there are.
   */
  totals: z.object({ firing: z.number().int().min(0), resolved: z.number().int().min(0) }).optional(),
  /** The group's public id (`alertGroupId`): its page, and the actions its card's buttons ask for. */
  groupId: z.string().min(1).optional(),
  /** The group's incident as the notification was made: a card shows who claimed or resolved it. */
  incident: incidentViewSchema.optional(),
  /**
   * Set on a follow-up that tells the chat what someone did ("Alice claimed [FIRING:3] HighCPU"):
   * a short card of its own, never merged into the group's alert cards.
   */
  followUp: z.object({ action: actionKindSchema, actor: actorSchema }).optional(),
  /** Sent by an escalation step: why (`unclaimed` `for` 10m) and whom to @-mention. */
  escalation: z.object({ when: z.enum(['unclaimed', 'unresolved']), for: z.string(), mentions: z.array(z.string()) }).optional(),
  createdAt: z.string(),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
