/**
 * What an alert card says, decided once before layout: order of alerts, headline severity,
 * header colour, title, which labels and annotations each alert shows.
 */
import { cardOrder, labelValue as value, severityRank, type CardConfig, type LabelPair, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { TRUNCATION_LEVELS } from './card.fit';
import { cardStrings, type CardStrings } from './card.i18n';
import { cardActionButtons, incidentStateText, type ActionUrlMaker, type CardActionButton } from './card.incident';
import { commonLabelValue, factsResolver, fillPlaceholders } from './card.placeholders';
import type { LarkHeaderTemplate } from './card.types';
import { oneLine, parseInstant, truncateText } from './card.text';

/** The notification object a card is for: its keywords must show on every card. */
export interface CardTarget {
  name: string;
  keywords: readonly string[];
  card?: Partial<CardConfig>;
}

export interface CardLinks {
  /** Where the whole group can be seen; used for the button and the "+N more" line. */
  consoleUrl?: string;
  /**
   * The link of an action button (a signed action link): with it, a firing card of a group with an
   * open or claimed incident gets Claim, Resolve and Silence buttons. Called once per button.
   */
  actionUrl?: ActionUrlMaker;
  /**
   * An app bot's card: its buttons call back (`card.action.trigger`) instead of opening links,
   * carrying the group and incident they act on; `actionUrl` is then not used.
   */
  callbacks?: true;
  /** A digest line's link: the page of its group (`groupId`). */
  groupUrl?: (groupId: string) => string;
}

/** Header colour of a firing card by severity rank (`severityRank`); resolved cards are always green. */
const TEMPLATE_BY_RANK: Record<1 | 2 | 3, LarkHeaderTemplate> = { 3: 'red', 2: 'orange', 1: 'blue' };

/**
 * The header colour: green when resolved; otherwise the object's own colour for the severity
 * (`severityColors`, matched case-insensitively), else the default mapping above.
 */
export function headerTemplate(
  status: 'firing' | 'resolved',
  severity: string | undefined,
  severityColors?: Readonly<Record<string, LarkHeaderTemplate>>,
): LarkHeaderTemplate {
  if (status === 'resolved') return 'green';
  if (severity && severityColors) {
    const wanted = severity.toLowerCase();
    const own = Object.entries(severityColors).find(([name]) => name.toLowerCase() === wanted);
    if (own) return own[1];
  }
  return TEMPLATE_BY_RANK[severityRank(severity)];
}

const DEFAULT_ANNOTATIONS = ['summary', 'description'];
const MENTION_ID = /^(all|ou_[A-Za-z0-9_-]+)$/;
/** Labels never used to tell the alerts of a group apart. */
const FALLBACK_SKIP = new Set(['alertname', 'severity']);
const FALLBACK_LABELS = 5;

export interface CardModel {
  strings: CardStrings;
  status: 'firing' | 'resolved';
  alerts: NotifiedAlert[];
  /** Alerts of the whole group by status (its totals), not only those this notification carries. */
  firingCount: number;
  resolvedCount: number;
  /** Alerts of the whole group: the notification's totals when it carries only part of it. */
  totals: { firing: number; resolved: number };
  /** Distinct severities, most severe first. */
  severities: string[];
  /** The headline severity: the group's, else the most severe. */
  severity: string | undefined;
  /** The group's alertname, or the one all alerts share. */
  alertname: string | undefined;
  template: LarkHeaderTemplate;
  title: string;
  groupLabels: LabelPair[];
  /** Labels each alert shows (absent ones skipped), group labels excluded: they show once. */
  alertLabelNames: string[];
  annotationNames: string[];
  mentions: string[];
  keywords: string[];
  objectName: string;
  consoleUrl: string | undefined;
  /** The incident's state line (plain text), when there is one to tell. */
  incidentState: string | undefined;
  /** Why an escalation step sent this card ("Escalated: unclaimed for 10m"). */
  escalation: string | undefined;
  /** The card's action buttons, their links made once. */
  actions: CardActionButton[];
  nowMs: number;
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

export function buildCardModel(
  notification: NotificationEvent,
  target: CardTarget,
  links: CardLinks,
  nowMs: number,
): CardModel {
  const config = target.card ?? {};
  const strings = cardStrings(config.language);
  const alerts = cardOrder(notification.alerts);
  const carriedFiring = alerts.filter((alert) => alert.status === 'firing').length;
  // A group larger than one message carries part of its alerts; the card counts the whole group.
  const totals = notification.totals ?? { firing: carriedFiring, resolved: alerts.length - carriedFiring };
  const firingCount = totals.firing;
  const groupLabels = notification.groupLabels;
  const groupNames = new Set(groupLabels.map((pair) => pair.name));

  const headlinePool = alerts.filter((alert) => alert.status === notification.status);
  const severities = distinct([
    value(groupLabels, 'severity'),
    ...(headlinePool.length > 0 ? headlinePool : alerts).map((alert) => value(alert.labels, 'severity')),
  ]).sort((a, b) => severityRank(b) - severityRank(a));
  const headline = value(groupLabels, 'severity') ?? severities[0];

  const alertname = value(groupLabels, 'alertname') ?? commonLabelValue(alerts, 'alertname');
  const subject =
    alertname ?? (groupLabels.length > 0 ? groupLabels.map((p) => p.value).join(' ') : strings.alertCount(alerts.length));
  const tag =
    notification.status === 'firing'
      ? `[${strings.firingTag}:${firingCount > 0 ? firingCount : alerts.length}]`
      : `[${strings.resolvedTag}]`;
  const defaultTitle = truncateText(oneLine([tag, truncateText(subject, 100), headline].filter(Boolean).join(' ')), 150);

  const chosen = config.labels ?? [...groupLabels.map((pair) => pair.name), 'instance'];
  const varying = ['alertname', 'severity'].filter(
    (name) => !groupNames.has(name) && distinct(alerts.map((a) => value(a.labels, name))).length > 1,
  );
  const alertLabelNames = [...new Set([...varying, ...chosen])].filter((name) => !groupNames.has(name));

  const model: CardModel = {
    strings,
    status: notification.status,
    alerts,
    firingCount,
    resolvedCount: totals.resolved,
    totals,
    severities,
    severity: headline,
    alertname,
    template: headerTemplate(notification.status, headline, config.severityColors),
    title: defaultTitle,
    groupLabels,
    alertLabelNames,
    annotationNames: config.annotations ?? DEFAULT_ANNOTATIONS,
    // An escalation step's mentions come with its card, whatever the chatbot's own.
    mentions: [...new Set([...(notification.status === 'firing' ? (config.mentions ?? []) : []), ...(notification.escalation?.mentions ?? [])])].filter((id) => MENTION_ID.test(id)),
    escalation: notification.escalation ? strings.escalated(notification.escalation.when, notification.escalation.for) : undefined,
    keywords: target.keywords.map((keyword) => oneLine(keyword)).filter((keyword) => keyword !== ''),
    objectName: oneLine(target.name),
    consoleUrl: links.consoleUrl,
    incidentState: incidentStateText(notification.incident, strings, nowMs),
    actions: cardActionButtons(notification, links.callbacks ? { callbacks: true } : links.actionUrl ? { actionUrl: links.actionUrl } : undefined, strings),
    nowMs,
  };
  if (config.titleTemplate) model.title = templatedTitle(model, config.titleTemplate) || defaultTitle;
  return model;
}

/** The title from the object's title template: one line, at most 150 characters, '' if blank. */
export function templatedTitle(model: CardModel, titleTemplate: string): string {
  const resolve = factsResolver(model, TRUNCATION_LEVELS[0]!, { title: model.title });
  return truncateText(oneLine(fillPlaceholders(titleTemplate, 'plain', resolve)).trim(), 150);
}

/** The labels one alert shows: the chosen ones it has, else a few that tell it apart. */
export function labelsToShow(model: CardModel, alert: NotifiedAlert): LabelPair[] {
  const chosen = model.alertLabelNames
    .map((name) => ({ name, value: value(alert.labels, name) }))
    .filter((pair): pair is LabelPair => pair.value !== undefined);
  if (chosen.length > 0) return chosen;
  const groupNames = new Set(model.groupLabels.map((pair) => pair.name));
  return alert.labels.filter((p) => !groupNames.has(p.name) && !FALLBACK_SKIP.has(p.name)).slice(0, FALLBACK_LABELS);
}

/** The instant durations of firing alerts are measured to. */
export function resolveNow(now: Date | number | undefined, createdAt: string): number {
  if (now instanceof Date) return now.getTime();
  if (typeof now === 'number') return now;
  return parseInstant(createdAt) ?? Date.now();
}

/** Alerts in the group: more than the card's alerts when the notification carried only part of it. */
export function groupSize(model: CardModel): number {
  return Math.max(model.alerts.length, model.firingCount + model.resolvedCount);
}
