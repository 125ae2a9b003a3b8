/**
 * Alertmanager's grouping timeline as pure functions over a group's durable state, so a router
 * replica that restarts or takes over a partition picks up exactly where the last one left off.
 *
 * A group's first flush happens `groupWait` after its first alert (at once if that alert started
 * more than `groupWait` ago); from then on the group is flushed every `groupInterval` while it has
 * alerts, and each flush decides, as Alertmanager's dedup stage does, whether anything is worth
 * sending. An unchanged firing group is re-sent once `repeatInterval` has passed since the last
 * notification, at the next flush (so repeats land on the group-interval ticks, as in Alertmanager).
 */

export interface GroupTiming {
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

/** The timer part of a group's durable state; times in epoch milliseconds. */
export interface GroupClock {
  /** When the next flush is due; null while the group has no alerts. */
  readonly flushAt: number | null;
  /** The last flush; null before the group's first flush (and again once it emptied). */
  readonly lastFlushAt: number | null;
}

/** Alertmanager's notification log entry: what the last notification told the receiver. */
export interface NotificationLogEntry {
  readonly at: number;
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  /** Firing alerts beyond the group's members, told as a count. */
  readonly beyondFiring?: number;
}

/** One alert of the group as seen at flush time. */
export interface FlushCandidate {
  readonly fingerprint: string;
  /** Firing now: not resolved, and its `endsAt` (resolve timeout) not passed. */
  readonly firing: boolean;
  /** Silenced or inhibited: left out of the notification entirely. */
  readonly muted: boolean;
}

export interface FlushInput {
  readonly now: number;
  readonly sendResolved: boolean;
  readonly repeatIntervalMs: number;
  /** Muted by the policy's time intervals: no notification, and the log is left as it was. */
  readonly timeMuted: boolean;
  readonly alerts: readonly FlushCandidate[];
  /** Alerts of a full group held without a member record (visible ones only): counted, not listed. */
  readonly beyond?: BeyondCount;
  readonly lastNotification: NotificationLogEntry | null;
}

export interface BeyondCount {
  readonly firing: number;
  readonly resolved: number;
}

const NONE_BEYOND: BeyondCount = { firing: 0, resolved: 0 };

export interface FlushDecision {
  /** The alerts to send, firing ones first; empty when nothing is sent. */
  readonly send: readonly string[];
  readonly status: 'firing' | 'resolved';
  /** The new log entry; null keeps the previous one. */
  readonly log: NotificationLogEntry | null;
  /** Resolved alerts to drop from the group: after a flush they have nothing more to say. */
  readonly release: readonly string[];
}

/** When a group's next flush is due after one of its alerts joined or changed status. */
export function flushAtOnChange(clock: GroupClock, alertStartsAt: number, timing: Pick<GroupTiming, 'groupWaitMs' | 'groupIntervalMs'>, now: number): number {
  if (clock.lastFlushAt === null) {
    // Alertmanager flushes a new group at once when the alert's own wait is already over.
    const wait = alertStartsAt + timing.groupWaitMs < now ? now : now + timing.groupWaitMs;
    return clock.flushAt === null ? wait : Math.min(clock.flushAt, wait);
  }
  // A flushed group keeps ticking every group interval; a change waits for the next tick.
  return clock.flushAt ?? Math.max(now, clock.lastFlushAt + timing.groupIntervalMs);
}

/** The clock after a flush at `now`: keep ticking while alerts remain, else start afresh. */
export function clockAfterFlush(now: number, groupIntervalMs: number, alertsRemain: boolean): GroupClock {
  return alertsRemain ? { flushAt: now + groupIntervalMs, lastFlushAt: now } : { flushAt: null, lastFlushAt: null };
}

function isSubset(subset: readonly string[], of: readonly string[]): boolean {
  const set = new Set(of);
  return subset.every((fingerprint) => set.has(fingerprint));
}

/**
 * Alertmanager's DedupStage.needsUpdate. Alerts beyond the group's members have no identity here,
 * so more of them firing stands for a new one firing, and any of them resolved for a new resolve.
 */
function needsUpdate(last: NotificationLogEntry | null, firing: readonly string[], resolved: readonly string[], beyond: BeyondCount, input: FlushInput): boolean {
  if (last === null) return firing.length + beyond.firing > 0;
  const lastBeyondFiring = last.beyondFiring ?? 0;
  if (!isSubset(firing, last.firing) || beyond.firing > lastBeyondFiring) return true;
  // Everything resolved: tell the receiver only if it was last told something fired.
  if (firing.length + beyond.firing === 0) return last.firing.length + lastBeyondFiring > 0;
  if (input.sendResolved && (!isSubset(resolved, last.resolved) || beyond.resolved > 0)) return true;
  return last.at < input.now - input.repeatIntervalMs;
}

/** What one flush of a group does: Alertmanager's mute, dedup and send-resolved stages. */
export function decideFlush(input: FlushInput): FlushDecision {
  const release = input.alerts.filter((alert) => !alert.firing).map((alert) => alert.fingerprint);
  const nothing: FlushDecision = { send: [], status: 'firing', log: null, release };
  const visible = input.alerts.filter((alert) => !alert.muted);
  const beyond = input.beyond ?? NONE_BEYOND;
  if ((visible.length === 0 && beyond.firing + beyond.resolved === 0) || input.timeMuted) return nothing;
  const firing = visible.filter((alert) => alert.firing).map((alert) => alert.fingerprint);
  const resolved = visible.filter((alert) => !alert.firing).map((alert) => alert.fingerprint);
  if (!needsUpdate(input.lastNotification, firing, resolved, beyond, input)) return nothing;
  const log: NotificationLogEntry = beyond.firing > 0 ? { at: input.now, firing, resolved, beyondFiring: beyond.firing } : { at: input.now, firing, resolved };
  // Without sendResolved a resolved-only flush is logged but not sent, as Alertmanager does.
  const send = input.sendResolved ? [...firing, ...resolved] : firing;
  return { send, status: firing.length + beyond.firing > 0 ? 'firing' : 'resolved', log, release };
}
