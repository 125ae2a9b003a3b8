import type { Incident } from '@alertlark/contracts';
import type { CompiledEscalationStep } from '@alertlark/routing';

/** A step due now: which one, its how-many-th firing (from 0), and how long its condition has held. */
export interface DueEscalation {
  index: number;
  step: CompiledEscalationStep;
  firing: number;
  /** `10m`: the card says "unclaimed for 10m". */
  heldFor: string;
}

function holds(incident: Incident, step: CompiledEscalationStep): boolean {
  return step.when === 'unclaimed' ? incident.state === 'open' : incident.state !== 'resolved';
}

/** When the step's next firing is due, or null once it has fired all its times. */
function nextFiring(incident: Incident, step: CompiledEscalationStep, index: number): number | null {
  const fired = incident.escalation.fired[index] ?? 0;
  if (fired > step.repeatTimes) return null;
  return incident.escalation.since + step.afterMs + fired * step.everyMs;
}

/** `10m`, `1h30m`: how long the condition has held, as the card says it. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= seconds) {
      parts.push(`${Math.floor(rest / seconds)}${unit}`);
      rest %= seconds;
    }
  }
  return parts.join('') || '0s';
}

/**
 * When the incident's next escalation step is due, or null when none will be: each step fires
 * while its condition holds (`unclaimed`: nobody has claimed it; `unresolved`: nobody resolved it),
 * `after` the escalation clock started (the incident opened, or was last unclaimed), then `times`
 * more, `every` apart.
 */
export function nextEscalationAt(incident: Incident | null, steps: readonly CompiledEscalationStep[]): number | null {
  if (!incident) return null;
  let next: number | null = null;
  steps.forEach((step, index) => {
    if (!holds(incident, step)) return;
    const at = nextFiring(incident, step, index);
    if (at !== null && (next === null || at < next)) next = at;
  });
  return next;
}

/**
 * The steps due at `now`, and the incident with them counted. A step late by more than one
 * interval (the router was down) fires once, as its latest firing, not once per missed one.
 */
export function takeDueEscalations(incident: Incident, steps: readonly CompiledEscalationStep[], now: number): { due: DueEscalation[]; incident: Incident } {
  const fired = steps.map((_, index) => incident.escalation.fired[index] ?? 0);
  const due: DueEscalation[] = [];
  steps.forEach((step, index) => {
    const at = nextFiring(incident, step, index);
    if (!holds(incident, step) || at === null || at > now) return;
    const late = step.everyMs > 0 ? Math.floor((now - at) / step.everyMs) : 0;
    const firing = Math.min(step.repeatTimes, fired[index]! + late);
    due.push({ index, step, firing, heldFor: formatDuration(step.afterMs + firing * step.everyMs) });
    fired[index] = firing + 1;
  });
  if (due.length === 0) return { due, incident };
  return { due, incident: { ...incident, escalation: { since: incident.escalation.since, fired } } };
}
