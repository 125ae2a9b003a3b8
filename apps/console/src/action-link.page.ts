import type { ActionType } from '@alertlark/secrets';
import type { IncidentView, LabelPair } from '@alertlark/contracts';

/** What an action-link page shows of the group. */
export interface ActionLinkGroup {
  groupLabels: LabelPair[];
  firing: number;
  incident: IncidentView | null;
  ended: boolean;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function hours(durationMs: number): string {
  const h = durationMs / 3_600_000;
  return Number.isInteger(h) ? `${h}h` : `${Math.round(durationMs / 60_000)}m`;
}

/** "Claim", "Resolve", "Silence for 4h". */
export function actionTitle(action: ActionType, durationMs?: number): string {
  if (action === 'silence') return `Silence for ${hours(durationMs ?? 3_600_000)}`;
  return action === 'claim' ? 'Claim' : 'Resolve';
}

/** `[FIRING:3] HighCPU`, as the group's cards title it. */
export function groupTitle(group: Pick<ActionLinkGroup, 'groupLabels' | 'firing'>): string {
  const alertname = group.groupLabels.find((label) => label.name === 'alertname')?.value;
  const name = alertname ?? (group.groupLabels.map((label) => `${label.name}=${label.value}`).join(', ') || 'alert group');
  return group.firing > 0 ? `[FIRING:${group.firing}] ${name}` : `[RESOLVED] ${name}`;
}

function stateLine(group: ActionLinkGroup): string {
  if (group.ended) return 'All its alerts have cleared.';
  const incident = group.incident;
  if (!incident) return 'Nothing shown fires in it now.';
  const by = (actor: { name: string; verified: boolean } | null) => (actor ? `${actor.name}${actor.verified ? '' : ' (unverified)'}` : 'someone');
  if (incident.state === 'claimed') return `Claimed by ${by(incident.claimedBy)}.`;
  if (incident.state === 'resolved') return `Resolved by ${by(incident.resolvedBy)}.`;
  return 'Open: nobody has claimed it.';
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Alertlark</title>
<link rel="stylesheet" href="/ui/act.css"></head>
<body><main>${body}</main><script type="module" src="/ui/act.js"></script></body></html>
`;
}

function groupSection(group: ActionLinkGroup): string {
  const labels = group.groupLabels.map((label) => `<li><code>${escapeHtml(label.name)}="${escapeHtml(label.value)}"</code></li>`).join('');
  return `<h1>${escapeHtml(groupTitle(group))}</h1>
<p class="state">${escapeHtml(stateLine(group))}</p>
${labels ? `<ul class="labels">${labels}</ul>` : ''}`;
}

/**
 * The page a card's button opens. It changes nothing: link previews and scanners fetch it too.
 * The action happens only when the person posts the form with their name.
 */
export function confirmPage(group: ActionLinkGroup, action: ActionType, durationMs: number | undefined, staleIncident: boolean): string {
  const title = actionTitle(action, durationMs);
  return page(
    title,
    `${groupSection(group)}
${staleIncident ? '<p class="warning">This link was made for an earlier incident of this group: it will be refused.</p>' : ''}
<form method="post">
<label>Your name <input name="actor" required maxlength="200" autocomplete="name"></label>
<p class="hint">Remembered in this browser. Recorded as given: it is not checked.</p>
<button type="submit">${escapeHtml(title)}</button>
</form>`,
  );
}

export type ActionLinkOutcome = { outcome: 'applied' | 'refused' | 'pending'; reason?: string; groupUrl: string };

/** What happened, once the form was posted. */
export function resultPage(group: ActionLinkGroup, action: ActionType, durationMs: number | undefined, actor: string, result: ActionLinkOutcome): string {
  const done = { claim: 'claimed', resolve: 'resolved', silence: `silenced for ${hours(durationMs ?? 3_600_000)}` }[action];
  const message =
    result.outcome === 'applied'
      ? `${actor} ${done} ${groupTitle(group)}.`
      : result.outcome === 'refused'
        ? `Not done: ${result.reason ?? 'refused'}.`
        : 'Asked. The decision is on its way: the group’s page will show it.';
  return page(actionTitle(action, durationMs), `<h1>${escapeHtml(message)}</h1>\n<p><a href="${escapeHtml(result.groupUrl)}">The group’s page</a></p>`);
}

/** A link that cannot act, and why. Nothing happened. */
export function errorPage(message: string): string {
  return page('Cannot act', `<h1>This link cannot act</h1>\n<p class="error">${escapeHtml(message)}</p>\n<p>Nothing was changed.</p>`);
}
