/**
 * The default alert card (v1): a header coloured by status and severity, a summary line of
 * severity, status, counts and group labels, one block per alert (labels, start, duration,
 * annotations, links), "+N more" when the group does not fit, a console button, and a note that
 * carries the object's keywords so Lark's keyword check always passes.
 */
import { labelValue as value, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { DEFAULT_CARD_BYTE_BUDGET, fitCard, type TextLimits } from './card.fit';
import { buildCardModel, labelsToShow, resolveNow, type CardLinks, type CardModel, type CardTarget } from './card.model';
import {
  durationParts,
  escapeLarkMd,
  formatUtc,
  mdLink,
  oneLine,
  parseInstant,
  safeLinkUrl,
  truncateText,
} from './card.text';
import type { LarkCardElement, LarkCardMessage, LarkDivField } from './card.types';

export interface RenderOptions {
  /** Instant that firing durations are measured to; defaults to the notification's createdAt. */
  now?: Date | number;
  /** Byte budget of the unsigned body; defaults to DEFAULT_CARD_BYTE_BUDGET. */
  maxBytes?: number;
}

export interface RenderedCard {
  message: LarkCardMessage;
  shownAlerts: number;
  omittedAlerts: number;
  /** UTF-8 bytes of JSON.stringify(message), before signing. */
  bytes: number;
  /** False only if not even a card without alert blocks fits the budget. */
  fits: boolean;
}

/** Renders a notification as a card that fits the byte budget (see renderAlertCardDetailed). */
export function renderAlertCard(
  notification: NotificationEvent,
  target: CardTarget,
  links: CardLinks,
  options: RenderOptions = {},
): LarkCardMessage {
  return renderAlertCardDetailed(notification, target, links, options).message;
}

/** Like renderAlertCard, also telling how many alerts made it onto the card and its size. */
export function renderAlertCardDetailed(
  notification: NotificationEvent,
  target: CardTarget,
  links: CardLinks,
  options: RenderOptions = {},
): RenderedCard {
  const model = buildCardModel(notification, target, links, resolveNow(options.now, notification.createdAt));
  const total = model.alerts.length;
  const fit = fitCard(total, (shown, limits) => layoutCard(model, shown, limits), options.maxBytes ?? DEFAULT_CARD_BYTE_BUDGET);
  return { message: fit.value, shownAlerts: fit.shown, omittedAlerts: total - fit.shown, bytes: fit.bytes, fits: fit.fits };
}

const md = (content: string) => ({ tag: 'lark_md' as const, content });
const short = (label: string, content: string): LarkDivField => ({ is_short: true, text: md(`**${label}**\n${content}`) });

/** Lays out the card showing the first `shown` alerts of the model with the given text limits. */
export function layoutCard(model: CardModel, shown: number, limits: TextLimits): LarkCardMessage {
  const s = model.strings;
  const label = (text: string) => escapeLarkMd(truncateText(oneLine(text), limits.labelChars));
  const fields: LarkDivField[] = [
    short(s.severity, model.severities.length > 0 ? model.severities.map(label).join(', ') : s.noSeverity),
    short(s.status, model.status === 'firing' ? s.firing : s.resolved),
    short(
      s.alerts,
      model.firingCount > 0 && model.resolvedCount > 0
        ? s.counts(model.firingCount, model.resolvedCount)
        : s.alertCount(model.alerts.length),
    ),
  ];
  if (model.groupLabels.length > 0) {
    const group = model.groupLabels.map((pair) => `${label(pair.name)}=${label(pair.value)}`).join(' · ');
    fields.push({ is_short: false, text: md(`**${s.group}**\n${group}`) });
  }
  const elements: LarkCardElement[] = [{ tag: 'div', fields }];
  if (model.mentions.length > 0) {
    elements.push({ tag: 'div', text: md(model.mentions.map((id) => `<at id=${id}></at>`).join(' ')) });
  }
  for (const alert of model.alerts.slice(0, shown)) {
    elements.push({ tag: 'hr' }, { tag: 'div', text: md(alertBlock(model, alert, limits)) });
  }
  const omitted = model.alerts.length - shown;
  const consoleUrl = safeLinkUrl(model.consoleUrl);
  if (omitted > 0) {
    const link = consoleUrl ? ` · [${escapeLarkMd(s.console)}](${consoleUrl})` : '';
    elements.push({ tag: 'hr' }, { tag: 'div', text: md(`**${s.more(omitted)}**${link}`) });
  }
  if (consoleUrl) {
    elements.push({
      tag: 'action',
      actions: [{ tag: 'button', text: { tag: 'plain_text', content: s.console }, type: 'primary', url: consoleUrl }],
    });
  }
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: footerText(model) }] });
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: model.title }, template: model.template },
      elements,
    },
  };
}

/** Visible footer: the keywords verbatim (plain text, so nothing can hide them) and the bot name. */
function footerText(model: CardModel): string {
  const parts = [];
  if (model.keywords.length > 0) parts.push(`${model.strings.keywords}: ${model.keywords.join(', ')}`);
  parts.push(model.objectName ? `Alertlark · ${truncateText(model.objectName, 100)}` : 'Alertlark');
  return parts.join(' | ');
}

function alertBlock(model: CardModel, alert: NotifiedAlert, limits: TextLimits): string {
  const s = model.strings;
  const label = (text: string) => escapeLarkMd(truncateText(oneLine(text), limits.labelChars));
  const icon = alert.status === 'firing' ? '🔥' : '✅';
  const labels = labelsToShow(model, alert).map((pair) => `**${label(pair.name)}**: ${label(pair.value)}`);
  const lines = [[icon, ...(labels.length > 0 ? [labels.join(' · ')] : [])].join(' ')];
  lines.push(timeLine(model, alert));
  for (const name of model.annotationNames) {
    const text = value(alert.annotations, name);
    if (text === undefined || text.trim() === '') continue;
    const title = name === 'summary' ? s.summary : name === 'description' ? s.description : label(name);
    const body = escapeLarkMd(truncateText(text.trim().replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n'), limits.annotationChars));
    lines.push(`**${title}:** ${body}`);
  }
  const links = [
    mdLink(s.graph, alert.generatorURL, limits.urlChars),
    mdLink(s.runbook, value(alert.annotations, 'runbook_url'), limits.urlChars),
  ].filter((link): link is string => link !== undefined);
  if (links.length > 0) lines.push(links.join(' · '));
  return lines.join('\n');
}

function timeLine(model: CardModel, alert: NotifiedAlert): string {
  const s = model.strings;
  const start = parseInstant(alert.startsAt);
  if (start === undefined) return `**${s.started}** ${escapeLarkMd(truncateText(oneLine(alert.startsAt), 40))}`;
  const parts = [`**${s.started}** ${formatUtc(start)}`];
  if (alert.status === 'firing') {
    parts.push(`${s.lasting} ${s.duration(durationParts(model.nowMs - start))}`);
  } else {
    const end = parseInstant(alert.endsAt);
    if (end !== undefined && end >= start) {
      parts.push(`**${s.ended}** ${formatUtc(end)}`, `${s.lasted} ${s.duration(durationParts(end - start))}`);
    }
  }
  return parts.join(' · ');
}
