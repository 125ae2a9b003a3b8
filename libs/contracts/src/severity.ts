import { labelValue, type LabelPair } from './labels';

/**
 * How severe a `severity` label value is: 3 for critical-like values, 1 for informational ones,
 * 2 for warnings and for unknown or missing values (they need a look, but nothing claims they are
 * critical). Cards colour and order alerts by it; the router picks by it which alerts of a large
 * group a notification carries, so both agree on which alerts come first.
 */
const SEVERITY_RANKS: Readonly<Record<string, 1 | 2 | 3>> = {
  critical: 3,
  error: 3,
  page: 3,
  high: 3,
  fatal: 3,
  emergency: 3,
  warning: 2,
  warn: 2,
  medium: 2,
  info: 1,
  informational: 1,
  notice: 1,
  low: 1,
  none: 1,
};

export function severityRank(severity: string | undefined): 1 | 2 | 3 {
  return (severity && SEVERITY_RANKS[severity.toLowerCase()]) || 2;
}

/**
 * The order a card lists a group's alerts in: firing before resolved, then the most severe, then
 * as given. `position` is the alert's place in the group; the sort is total, so it is stable.
 */
export function cardOrder<T extends { status: string; labels: readonly LabelPair[] }>(alerts: readonly T[]): T[] {
  return alerts
    .map((alert, position) => ({ alert, position, resolved: Number(alert.status !== 'firing'), rank: severityRank(labelValue(alert.labels, 'severity')) }))
    .sort((x, y) => x.resolved - y.resolved || y.rank - x.rank || x.position - y.position)
    .map((entry) => entry.alert);
}
