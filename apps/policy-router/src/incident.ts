import { createHash } from 'node:crypto';
import { incidentView, type ActionDecided, type ActionRequested, type Actor, type Incident, type RoutedGroup } from '@alertlark/contracts';

/** The incident a group's flush works with, and whether the flush must stay quiet. */
export interface IncidentAtFlush {
  incident: Incident | null;
  incidentSeq: number;
  /** Resolved by hand, and nothing fires but what was firing then: the flush sends nothing. */
  quiet: boolean;
}

/**
 * At a flush: a group with an alert a card would show firing and no incident (or one resolved by
 * hand, when an alert fires that was not firing then) opens a new incident. Its id comes from the
 * group's incarnation and incident count, so a flush replayed after a crash opens the same one.
 * An incident lasts as long as its group: a group whose alerts have all cleared is dropped.
 */
export function incidentAtFlush(group: RoutedGroup, firingShown: readonly string[], now: number): IncidentAtFlush {
  const current = group.incident;
  if (current?.state === 'resolved') {
    const quieted = new Set(current.quieted);
    if (firingShown.every((fingerprint) => quieted.has(fingerprint))) return { incident: current, incidentSeq: group.incidentSeq, quiet: true };
  } else if (current !== null || firingShown.length === 0) {
    return { incident: current, incidentSeq: group.incidentSeq, quiet: false };
  }
  const incidentSeq = group.incidentSeq + 1;
  return { incident: openIncident(`inc_${createHash('sha256').update(`${group.incarnation}/${incidentSeq}`).digest('hex').slice(0, 24)}`, now), incidentSeq, quiet: false };
}

function openIncident(id: string, now: number): Incident {
  return { id, openedAt: now, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, quieted: [], silence: null, escalation: { since: now, fired: [] } };
}

/** The same person: the same Lark user when Lark told us, else the same name. */
function sameActor(a: Actor | null, b: Actor): boolean {
  if (!a) return false;
  if (a.openId !== undefined || b.openId !== undefined) return a.openId === b.openId;
  return a.name === b.name;
}

export type ActionDecision = { outcome: 'applied'; incident: Incident } | { outcome: 'refused'; reason: string };

/**
 * What an action does to a group's incident. Actions on one group are decided one at a time, in
 * the order of its partition, so of two people claiming at once the first wins and the second is
 * told who has it. `firing`: the group's alerts firing now, quieted by a resolve.
 */
export function decideAction(group: RoutedGroup | undefined, request: ActionRequested, firing: readonly string[], now: number): ActionDecision {
  const incident = group?.incident ?? null;
  if (!group || !incident) return { outcome: 'refused', reason: 'nothing fires in this alert group any more' };
  if (request.incidentId !== undefined && request.incidentId !== incident.id) return { outcome: 'refused', reason: 'this incident is over; a newer one is under way' };
  const resolvedBy = `already resolved by ${incident.resolvedBy?.name ?? 'someone'}`;
  switch (request.action) {
    case 'claim':
      if (incident.state === 'resolved') return { outcome: 'refused', reason: resolvedBy };
      if (incident.state === 'claimed') {
        return sameActor(incident.claimedBy, request.actor) ? { outcome: 'applied', incident } : { outcome: 'refused', reason: `already claimed by ${incident.claimedBy?.name ?? 'someone'}` };
      }
      return { outcome: 'applied', incident: { ...incident, state: 'claimed', claimedBy: request.actor, claimedAt: now } };
    case 'unclaim':
      if (incident.state !== 'claimed') return { outcome: 'refused', reason: incident.state === 'resolved' ? resolvedBy : 'nobody has claimed it' };
      // Escalation starts again from its first step.
      return { outcome: 'applied', incident: { ...incident, state: 'open', claimedBy: null, claimedAt: null, escalation: { since: now, fired: [] } } };
    case 'resolve':
      if (incident.state === 'resolved') return { outcome: 'refused', reason: resolvedBy };
      return { outcome: 'applied', incident: { ...incident, state: 'resolved', resolvedBy: request.actor, resolvedAt: now, quieted: [...firing] } };
    case 'silence':
      if (!request.silence) return { outcome: 'refused', reason: 'no silence came with the request' };
      return { outcome: 'applied', incident: { ...incident, silence: { id: request.silence.id, endsAt: request.silence.endsAt, by: request.actor } } };
  }
}

/** The decision as the actions topic records it. */
export function decidedEvent(request: ActionRequested, group: RoutedGroup | undefined, decision: ActionDecision, now: number): ActionDecided {
  return {
    type: 'action.decided',
    actionId: request.actionId,
    teamId: request.teamId,
    groupId: request.groupId,
    action: request.action,
    actor: request.actor,
    source: request.source,
    outcome: decision.outcome,
    ...(decision.outcome === 'refused' ? { reason: decision.reason } : {}),
    incident: decision.outcome === 'applied' ? incidentView(decision.incident) : group?.incident ? incidentView(group.incident) : null,
    ...(group ? { group: { groupKey: group.groupKey, policyId: group.policyId, groupLabels: group.groupLabels } } : {}),
    decidedAt: new Date(now).toISOString(),
  };
}
