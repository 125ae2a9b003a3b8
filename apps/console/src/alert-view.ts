import type { AlertHistoryEntryView, AlertView, LabelPair } from '@alertlark/contracts';
import { isFiringAt, type AlertHistoryEntry, type AlertState } from '@alertlark/persistence';

/**
 * Labels rest as name/value pairs (UTF-8 names may hold dots, which MongoDB keys may not); the API
 * answers with the plain object Prometheus users know. Object.fromEntries defines own properties,
 * so even a label named `__proto__` comes out as a label.
 */
function labelObject(pairs: readonly LabelPair[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.name, pair.value]));
}

/** One alert as the console shows it; firing or resolved as of `now` (an `endsAt` may have passed). */
export function alertView(state: AlertState, now: Date): AlertView {
  return {
    fingerprint: state.fingerprint,
    state: isFiringAt(state, now) ? ('firing' as const) : ('resolved' as const),
    labels: labelObject(state.labels),
    annotations: labelObject(state.annotations),
    startsAt: state.startsAt.toISOString(),
    endsAt: state.endsAt ? state.endsAt.toISOString() : null,
    generatorURL: state.generatorURL ?? null,
    lastReceivedAt: state.lastReceivedAt.toISOString(),
  };
}

/** One history entry; the fields a kind does not have are left out, not null. */
export function alertHistoryView(entry: AlertHistoryEntry): AlertHistoryEntryView {
  return {
    at: entry.at.toISOString(),
    kind: entry.kind,
    ...(entry.policyId != null ? { policyId: entry.policyId } : {}),
    ...(entry.groupKey != null ? { groupKey: entry.groupKey } : {}),
    ...(entry.objectIds != null ? { objectIds: entry.objectIds } : {}),
    ...(entry.detail != null ? { detail: entry.detail } : {}),
  };
}
