import type { LabelPair } from '@alertlark/contracts';

/** In `groupBy`, this alone means "group by every label", as in Alertmanager. */
export const GROUP_BY_ALL = '...';

function byName(a: LabelPair, b: LabelPair): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The labels an alert is grouped by: those named in `groupBy` that the alert has (a missing
 * label is left out, as in Alertmanager), or all of them for `['...']`; sorted by name.
 */
export function groupLabels(labels: readonly LabelPair[], groupBy: readonly string[]): LabelPair[] {
  const all = groupBy.includes(GROUP_BY_ALL);
  const wanted = new Set(groupBy);
  return labels
    .filter((label) => all || wanted.has(label.name))
    .map(({ name, value }) => ({ name, value }))
    .sort(byName);
}

/**
 * A deterministic key for one group of one policy: `<policyId>:{name="value",...}` with the
 * labels sorted by name and names and values JSON-quoted, so no two groups share a key.
 */
export function groupKey(policyId: string, labels: readonly LabelPair[]): string {
  const body = [...labels]
    .sort(byName)
    .map(({ name, value }) => `${JSON.stringify(name)}=${JSON.stringify(value)}`)
    .join(',');
  return `${policyId}:{${body}}`;
}
