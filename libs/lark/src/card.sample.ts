/**
 * A made-up alert group for looking at a chatbot's cards without a real alert: the console's
 * preview and test send, and the check of a template when it is saved.
 */
import { labelValue as value, toLabelPairs, type LabelPair, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { cardStrings, type CardLanguage } from './card.i18n';
import { commonLabelValue } from './card.placeholders';
import { formatUtc } from './card.text';

export interface SampleOptions {
  language?: CardLanguage;
  /** Default: firing when any alert fires (the built-in sample: two firing, one resolved). */
  status?: 'firing' | 'resolved';
  /** Alerts to show instead of the built-in ones. */
  alerts?: readonly NotifiedAlert[];
  nowMs: number;
}

export const SAMPLE_ALERTNAME = 'HighCPUUsage';

function builtInAlerts(language: CardLanguage | undefined, status: 'firing' | 'resolved' | undefined, nowMs: number): NotifiedAlert[] {
  const s = cardStrings(language);
  const minutesAgo = (minutes: number) => formatUtc(nowMs - minutes * 60_000);
  const alert = (instance: string, severity: string, startedMinutesAgo: number, endedMinutesAgo?: number): NotifiedAlert => ({
    fingerprint: `sample-${instance}`,
    status: endedMinutesAgo === undefined ? 'firing' : 'resolved',
    labels: toLabelPairs({ alertname: SAMPLE_ALERTNAME, severity, instance, job: 'node', cluster: 'prod' }),
    annotations: toLabelPairs({ summary: s.sampleSummary(instance), description: s.sampleDescription }),
    startsAt: minutesAgo(startedMinutesAgo),
    ...(endedMinutesAgo !== undefined ? { endsAt: minutesAgo(endedMinutesAgo) } : {}),
  });
  if (status === 'resolved') return [alert('web-1:9100', 'critical', 25, 1), alert('web-2:9100', 'warning', 8, 1)];
  return [alert('web-1:9100', 'critical', 25), alert('web-2:9100', 'warning', 8), alert('web-3:9100', 'critical', 40, 3)];
}

/**
 * The notification a chatbot would get for these alerts (or the built-in sample), grouped by
 * alertname when they share one, as the default policy groups.
 */
export function sampleNotification(options: SampleOptions): NotificationEvent {
  const alerts = options.alerts && options.alerts.length > 0 ? [...options.alerts] : builtInAlerts(options.language, options.status, options.nowMs);
  const status = options.status ?? (alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved');
  const alertname = commonLabelValue(alerts, 'alertname');
  const groupLabels: LabelPair[] = alertname !== undefined ? [{ name: 'alertname', value: alertname }] : [];
  return {
    notificationId: 'sample',
    teamId: 'sample',
    objectId: 'sample',
    policyId: 'sample',
    groupKey: `{}:{alertname="${value(groupLabels, 'alertname') ?? ''}"}`,
    groupLabels,
    status,
    alerts,
    createdAt: formatUtc(options.nowMs),
  };
}
