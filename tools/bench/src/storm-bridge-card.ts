/**
 * What the benchmark's Alertmanager-to-Lark bridge posts for one Alertmanager notification. Pure.
 *
 * - `naive` (default): one card listing every alert of the notification with all its labels and
 *   annotations, its start and a graph link — what the usual bridges' templates render (a range
 *   over `.Alerts`), with no size check: a large group exceeds Lark's 20 KB and is refused (19036).
 * - `fitted`: Alertlark's own card (`renderAlertCardDetailed` from libs/lark, fitted to 20 KB with
 *   "+N more"), from a NotificationEvent built from the webhook, for a like-for-like comparison.
 */
import { alertmanagerWebhookSchema, notificationEventSchema, toLabelPairs, type AlertmanagerWebhook, type NotificationEvent } from '@alertlark/contracts';
import { jsonBytes, renderAlertCardDetailed, type LarkCardMessage } from '@alertlark/lark';

export type BridgeCardStyle = 'naive' | 'fitted';

/** The keyword the benchmark's bots require; both styles carry it in visible text. */
export const STORM_KEYWORD = 'alert';

export interface BridgeCard {
  message: unknown;
  bytes: number;
  /** Fingerprints of the alerts the card speaks for (all of the notification's: "+N more" counts). */
  fingerprints: string[];
}

/** Parses an Alertmanager webhook body; throws on anything else. */
export function parseAlertmanagerWebhook(body: unknown): AlertmanagerWebhook {
  return alertmanagerWebhookSchema.parse(body);
}

/** Alertmanager's "zero" time for a firing alert's endsAt. */
const isSetInstant = (value: string | undefined) => value !== undefined && value !== '' && !value.startsWith('0001-');

/** The webhook as a NotificationEvent, so libs/lark can render it exactly as Alertlark would. */
export function notificationFromWebhook(webhook: AlertmanagerWebhook, notificationId: string, now: Date): NotificationEvent {
  return notificationEventSchema.parse({
    notificationId,
    teamId: 'alertmanager',
    objectId: 'lark-bridge',
    policyId: 'route',
    groupKey: webhook.groupKey ?? '',
    groupLabels: toLabelPairs(webhook.groupLabels ?? {}),
    status: webhook.status,
    alerts: webhook.alerts.map((alert, index) => ({
      fingerprint: alert.fingerprint ?? `${notificationId}-${index}`,
      status: alert.status,
      labels: toLabelPairs(alert.labels),
      annotations: toLabelPairs(alert.annotations),
      startsAt: alert.startsAt,
      ...(isSetInstant(alert.endsAt) ? { endsAt: alert.endsAt } : {}),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    })),
    createdAt: now.toISOString(),
  });
}

const sortedEntries = (record: Record<string, string>) => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Every alert, every label and annotation, no size check. */
export function naiveCard(webhook: AlertmanagerWebhook): LarkCardMessage {
  const firing = webhook.alerts.filter((alert) => alert.status === 'firing').length;
  const subject = webhook.groupLabels?.alertname ?? webhook.commonLabels?.alertname ?? Object.values(webhook.groupLabels ?? {}).join(' ');
  const elements: LarkCardMessage['card']['elements'] = [];
  for (const alert of webhook.alerts) {
    const lines = [
      `**${alert.status === 'firing' ? 'Firing' : 'Resolved'}:** ${alert.annotations.summary ?? alert.labels.alertname ?? ''}`,
      ...(alert.annotations.description ? [`**Description:** ${alert.annotations.description}`] : []),
      `**Started:** ${alert.startsAt}${isSetInstant(alert.endsAt) && alert.status === 'resolved' ? `  **Ended:** ${alert.endsAt}` : ''}`,
      ...(alert.generatorURL ? [`**Graph:** [Prometheus](${alert.generatorURL})`] : []),
      '**Labels:**',
      ...sortedEntries(alert.labels).map(([name, value]) => `- ${name}: ${value}`),
      '**Annotations:**',
      ...sortedEntries(alert.annotations).map(([name, value]) => `- ${name}: ${value}`),
    ];
    elements.push({ tag: 'div', text: { tag: 'lark_md', content: lines.join('\n') } }, { tag: 'hr' });
  }
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: `Prometheus ${STORM_KEYWORD} via Alertmanager (${webhook.receiver ?? 'webhook'})` }] });
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: `[${webhook.status.toUpperCase()}${webhook.status === 'firing' ? `:${firing}` : ''}] ${subject}` },
        template: webhook.status === 'firing' ? 'red' : 'green',
      },
      elements,
    },
  };
}

/** The card the bridge posts for one webhook, in the chosen style. */
export function bridgeCard(webhook: AlertmanagerWebhook, style: BridgeCardStyle, notificationId: string, now: Date): BridgeCard {
  const notification = notificationFromWebhook(webhook, notificationId, now);
  const fingerprints = notification.alerts.map((alert) => alert.fingerprint);
  if (style === 'naive') {
    const message = naiveCard(webhook);
    return { message, bytes: jsonBytes(message), fingerprints };
  }
  const rendered = renderAlertCardDetailed(notification, { name: 'alertmanager bridge', keywords: [STORM_KEYWORD] }, {}, { now });
  return { message: rendered.message, bytes: rendered.bytes, fingerprints };
}
