/**
 * Counting for the delivery storm, pure: the emulator's message log, Alertlark's notifications and
 * delivery events, and the Alertmanager bridge's posts. See tools/bench/README.md, "delivery-storm".
 */
import type { DeliveryEvent, NotificationEvent } from '@alertlark/contracts';
import { busiestWindow, shownGroupCounts } from '@alertlark/testing';

/** One request as the Lark emulator logged it (`GET /_emulator/messages`). */
export interface EmulatorMessage {
  token: string;
  accepted: boolean;
  code: number | null;
  msg?: string;
  httpStatus: number | null;
  rawSize?: number;
  receivedAt?: string;
  body?: unknown;
}

/** Lark's rate-limit answers (LARK.md): 11232, 9499 "too many request", or HTTP 429. */
export function isRateLimitAnswer(code: number | null | undefined, msg: string | undefined, httpStatus: number | null | undefined): boolean {
  return code === 11232 || (code === 9499 && /too many request/i.test(msg ?? '')) || httpStatus === 429;
}

export const SIZE_LIMIT_CODE = 19036;

export interface MessageCounts {
  /** Requests the emulator received for the bot. */
  requests: number;
  /** Requests it accepted: cards in the chat. */
  cards: number;
  rateLimitRejections: number;
  sizeRejections: number;
  /** Any other refusal, by code (`null` for a 5xx or timeout without a Lark body). */
  otherRejections: Record<string, number>;
}

export function countMessages(messages: readonly EmulatorMessage[]): MessageCounts {
  const counts: MessageCounts = { requests: messages.length, cards: 0, rateLimitRejections: 0, sizeRejections: 0, otherRejections: {} };
  for (const message of messages) {
    if (message.accepted) counts.cards++;
    else if (isRateLimitAnswer(message.code, message.msg, message.httpStatus)) counts.rateLimitRejections++;
    else if (message.code === SIZE_LIMIT_CODE) counts.sizeRejections++;
    else counts.otherRejections[String(message.code)] = (counts.otherRejections[String(message.code)] ?? 0) + 1;
  }
  return counts;
}

/** The bar: every group's final count in the chat within this long of the last alert. */
export const FINAL_COUNT_WITHIN_MS = 60_000;

/** What a person in the chat saw of the storm, group by group (not notifications delivered). */
export interface SeenInChat {
  /** Groups (alertnames) any accepted card showed. */
  groupsShown: number;
  /** Groups shown at their final count (every alert of the group firing), at any time. */
  groupsAtFinalCount: number;
  /** Of those, shown at it within FINAL_COUNT_WITHIN_MS of the storm's last POST. */
  groupsAtFinalCountInTime: number;
  /** Sum over groups of the largest count shown: the alerts a person could count. */
  alertsShown: number;
  /** Seconds from the last POST until the last group showed its final count; null if one never did. */
  lastFinalCountSeconds: number | null;
  /** Most requests to the webhook in any second and any minute (Lark allows 5 and 100). */
  busiestSecond: number;
  busiestMinute: number;
}

/**
 * What the chat showed, read off the emulator's log of the bot: `finalCounts` gives each group
 * (alertname) its number of firing alerts once the storm is all in; the last POST was answered at
 * `lastPostAt` (ms).
 */
export function seenInChat(messages: readonly EmulatorMessage[], finalCounts: ReadonlyMap<string, number>, lastPostAt: number): SeenInChat {
  const shown = shownGroupCounts(messages);
  let groupsAtFinalCount = 0;
  let groupsAtFinalCountInTime = 0;
  let alertsShown = 0;
  let lastFinalAt: number | undefined = lastPostAt;
  for (const [group, alertsPerGroup] of finalCounts) {
    const seen = shown.get(group);
    alertsShown += Math.min(seen?.firing ?? 0, alertsPerGroup);
    if (!seen || seen.firing < alertsPerGroup) {
      lastFinalAt = undefined;
      continue;
    }
    groupsAtFinalCount++;
    if (seen.at - lastPostAt <= FINAL_COUNT_WITHIN_MS) groupsAtFinalCountInTime++;
    if (lastFinalAt !== undefined) lastFinalAt = Math.max(lastFinalAt, seen.at);
  }
  return {
    groupsShown: [...finalCounts.keys()].filter((group) => shown.has(group)).length,
    groupsAtFinalCount,
    groupsAtFinalCountInTime,
    alertsShown,
    lastFinalCountSeconds: lastFinalAt === undefined ? null : Math.round((lastFinalAt - lastPostAt) / 10) / 100,
    busiestSecond: busiestWindow(messages, 1_000),
    busiestMinute: busiestWindow(messages, 60_000),
  };
}

const FINAL_OUTCOMES = new Set<DeliveryEvent['outcome']>(['delivered', 'failed', 'dead-lettered']);

export interface AlertlarkSummary {
  notifications: number;
  /** Notifications with a final outcome, by outcome. */
  delivered: number;
  failed: number;
  deadLettered: number;
  unfinished: number;
  /** Attempts refused for now and tried again (rate limits, 5xx, timeouts). */
  retryingEvents: number;
  /** Final events beyond the first for a notification (a card sent twice). */
  duplicateFinals: number;
  /** Requests that delivered something: a digest counts once. */
  deliveredRequests: number;
  /** Of those, digests (several notifications on one card). */
  digests: number;
  /** Distinct fingerprints across the delivered notifications. */
  alertsAccountedFor: number;
  /** Sum of `alertCount` over the delivered events. */
  alertsSent: number;
  /** Distinct fingerprints across every notification the router produced for the bot. */
  alertsNotified: number;
  /** Latest `at` of a final event (ms since the epoch), if any. */
  lastFinalAt: number | undefined;
}

/** Alertlark's side: what the router produced for one chatbot and what the sender made of it. */
export class AlertlarkTally {
  private readonly fingerprintsOf = new Map<string, string[]>();
  private readonly notified = new Set<string>();
  private readonly finals = new Map<string, DeliveryEvent>();
  private retrying = 0;
  private duplicates = 0;
  /** When anything last arrived (ms), for stall detection. */
  lastActivityAt = 0;

  constructor(private readonly objectId: string) {}

  addNotification(event: NotificationEvent, seenAt = Date.now()): void {
    if (event.objectId !== this.objectId || this.fingerprintsOf.has(event.notificationId)) return;
    const fingerprints = event.alerts.map((alert) => alert.fingerprint);
    this.fingerprintsOf.set(event.notificationId, fingerprints);
    for (const fingerprint of fingerprints) this.notified.add(fingerprint);
    this.lastActivityAt = seenAt;
  }

  addDelivery(event: DeliveryEvent, seenAt = Date.now()): void {
    if (event.objectId !== this.objectId) return;
    this.lastActivityAt = seenAt;
    if (!FINAL_OUTCOMES.has(event.outcome)) {
      this.retrying++;
      return;
    }
    if (this.finals.has(event.notificationId)) this.duplicates++;
    else this.finals.set(event.notificationId, event);
  }

  /** Every alert expected was in some notification, and every notification is finished. */
  isDrained(expectedAlerts: number): boolean {
    return this.notified.size >= expectedAlerts && this.fingerprintsOf.size > 0 && [...this.fingerprintsOf.keys()].every((id) => this.finals.has(id));
  }

  summary(): AlertlarkSummary {
    const delivered = [...this.finals.values()].filter((event) => event.outcome === 'delivered' && this.fingerprintsOf.has(event.notificationId));
    const accounted = new Set<string>();
    for (const event of delivered) for (const fingerprint of this.fingerprintsOf.get(event.notificationId)!) accounted.add(fingerprint);
    const finalsOfOurs = [...this.finals.values()].filter((event) => this.fingerprintsOf.has(event.notificationId));
    const ats = finalsOfOurs.map((event) => Date.parse(event.at)).filter((at) => Number.isFinite(at));
    return {
      notifications: this.fingerprintsOf.size,
      delivered: delivered.length,
      failed: finalsOfOurs.filter((event) => event.outcome === 'failed').length,
      deadLettered: finalsOfOurs.filter((event) => event.outcome === 'dead-lettered').length,
      unfinished: this.fingerprintsOf.size - finalsOfOurs.length,
      retryingEvents: this.retrying,
      duplicateFinals: this.duplicates,
      deliveredRequests: new Set(delivered.map((event) => event.digestId ?? event.notificationId)).size,
      digests: new Set(delivered.flatMap((event) => (event.digestId ? [event.digestId] : []))).size,
      alertsAccountedFor: accounted.size,
      alertsSent: delivered.reduce((sum, event) => sum + event.alertCount, 0),
      alertsNotified: this.notified.size,
      lastFinalAt: ats.length > 0 ? Math.max(...ats) : undefined,
    };
  }
}

/** How one bridge post to Lark ended. */
export interface PostAnswer {
  httpStatus: number | null;
  code: number | null;
  msg?: string;
  /** Network error or timeout, when there was no answer. */
  error?: string;
}

export const isAccepted = (answer: PostAnswer) => answer.httpStatus !== null && answer.httpStatus < 300 && answer.code === 0;

/** What a naive retry would try again: rate limits, 5xx and no answer. */
export const isRetryable = (answer: PostAnswer) =>
  answer.error !== undefined || (answer.httpStatus !== null && answer.httpStatus >= 500) || isRateLimitAnswer(answer.code, answer.msg, answer.httpStatus);

export interface BridgeSummary {
  /** Webhook requests from Alertmanager (notifications). */
  notifications: number;
  /** Distinct Alertmanager groups (groupKey) notified. */
  groups: number;
  posts: number;
  retries: number;
  acceptedNotifications: number;
  /** Distinct fingerprints in accepted cards. */
  alertsAccountedFor: number;
  /** Alerts in the notifications Alertmanager sent. */
  alertsNotified: number;
  maxCardBytes: number;
  inFlight: number;
  lastPostDoneAt: number | undefined;
}

/** The bridge's side: every notification Alertmanager sent it and what became of its card. */
export class BridgeTally {
  private readonly groups = new Set<string>();
  private readonly accepted = new Set<string>();
  private readonly notified = new Set<string>();
  private notifications = 0;
  private posts = 0;
  private retries = 0;
  private acceptedNotifications = 0;
  private maxBytes = 0;
  private inFlight = 0;
  private lastDone: number | undefined;

  /** A webhook arrived; its card is about to be posted. */
  startNotification(groupKey: string, fingerprints: readonly string[], cardBytes: number): void {
    this.notifications++;
    this.groups.add(groupKey);
    for (const fingerprint of fingerprints) this.notified.add(fingerprint);
    this.maxBytes = Math.max(this.maxBytes, cardBytes);
    this.inFlight++;
  }

  /** One post of the card (the first or a retry). */
  recordPost(retry: boolean): void {
    this.posts++;
    if (retry) this.retries++;
  }

  /** The notification's last post answered (accepted or given up). */
  finishNotification(accepted: boolean, fingerprints: readonly string[], at = Date.now()): void {
    this.inFlight--;
    this.lastDone = at;
    if (!accepted) return;
    this.acceptedNotifications++;
    for (const fingerprint of fingerprints) this.accepted.add(fingerprint);
  }

  /** Every expected group has been notified and no post is still going. */
  isDrained(expectedGroups: number): boolean {
    return this.groups.size >= expectedGroups && this.inFlight === 0;
  }

  summary(): BridgeSummary {
    return {
      notifications: this.notifications,
      groups: this.groups.size,
      posts: this.posts,
      retries: this.retries,
      acceptedNotifications: this.acceptedNotifications,
      alertsAccountedFor: this.accepted.size,
      alertsNotified: this.notified.size,
      maxCardBytes: this.maxBytes,
      inFlight: this.inFlight,
      lastPostDoneAt: this.lastDone,
    };
  }
}
