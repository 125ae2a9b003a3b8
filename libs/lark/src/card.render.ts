/**
 * The alert card. By default (v1): a header coloured by status and severity, a summary line of
 * severity, status, counts and group labels, the incident's state (who claimed, resolved or
 * silenced it), action buttons on a firing card (card.incident.ts), one block per alert (labels,
 * start, duration, annotations, links), "+N more" when the group does not fit, a console button,
 * and a note that carries the object's keywords so Lark's keyword check always passes. An object with its own
 * `template` gets that card instead (card.template.ts); `titleTemplate` and `severityColors`
 * shape the header of both (card.model.ts).
 */
import type { NotificationEvent } from '@alertlark/contracts';
import { alertBlock, footerText, moreLine } from './card.blocks';
import { DEFAULT_CARD_BYTE_BUDGET, fitCard, type TextLimits } from './card.fit';
import { actionButtonsElement } from './card.incident';
import { buildCardModel, groupSize, resolveNow, type CardLinks, type CardModel, type CardTarget } from './card.model';
import { parseCardTemplate, renderCardTemplate } from './card.template';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { AlertCardMessage, LarkCardElement, LarkCardMessage, LarkDivField } from './card.types';

export interface RenderOptions {
  /** Instant that firing durations are measured to; defaults to the notification's createdAt. */
  now?: Date | number;
  /** Byte budget of the unsigned body; defaults to DEFAULT_CARD_BYTE_BUDGET. */
  maxBytes?: number;
}

export interface RenderedCard {
  message: AlertCardMessage;
  /** `template` when the object's own template was used; `default` otherwise. */
  layout: 'default' | 'template';
  /** Why an object's template was not used (it was broken, or too large even without alerts). */
  templateProblem?: string;
  shownAlerts: number;
  omittedAlerts: number;
  /** UTF-8 bytes of JSON.stringify(message), before signing. */
  bytes: number;
  /** False only if not even a card without alert blocks fits the budget. */
  fits: boolean;
  /** Whether the default card carries its action buttons (a template's links are its own). */
  actionButtons?: boolean;
}

/**
 * Renders a notification as a card that fits the byte budget (see renderAlertCardDetailed).
 *
 * Typed as the default v1 card so that callers written before templates keep compiling; when the
 * object has its own `template`, the card is that template's (v1 or v2), so callers must treat
 * `card` as opaque JSON to post. renderAlertCardDetailed's `message` has the honest type.
 */
export function renderAlertCard(
  notification: NotificationEvent,
  target: CardTarget,
  links: CardLinks,
  options: RenderOptions = {},
): LarkCardMessage {
  return renderAlertCardDetailed(notification, target, links, options).message as LarkCardMessage;
}

/**
 * Like renderAlertCard, also telling how many alerts made it onto the card and its size. A
 * template that cannot be used (saved templates are checked, so only old or hand-made data) falls
 * back to the default card: an alert is never dropped for a template.
 */
export function renderAlertCardDetailed(
  notification: NotificationEvent,
  target: CardTarget,
  links: CardLinks,
  options: RenderOptions = {},
): RenderedCard {
  const model = buildCardModel(notification, target, links, resolveNow(options.now, notification.createdAt));
  const total = model.alerts.length;
  const maxBytes = options.maxBytes ?? DEFAULT_CARD_BYTE_BUDGET;
  let templateProblem: string | undefined;
  const source = target.card?.template;
  if (source !== undefined) {
    const parsed = parseCardTemplate(source);
    if (parsed.ok) {
      const listed = parsed.template.usesAlerts ? total : 0;
      const fit = fitCard(listed, (shown, limits) => renderCardTemplate(parsed.template, model, shown, limits), maxBytes);
      if (fit.fits) {
        return { message: fit.value, layout: 'template', shownAlerts: fit.shown, omittedAlerts: groupSize(model) - fit.shown, bytes: fit.bytes, fits: true };
      }
      templateProblem = `the template is ${fit.bytes} bytes even without alerts, over the budget of ${maxBytes}`;
    } else {
      templateProblem = parsed.issues.map((issue) => `${issue.path || '(template)'}: ${issue.message}`).join('; ');
    }
  }
  // Alerts give way before the buttons: a card without them is the last resort.
  let fit = fitCard(total, (shown, limits) => layoutCard(model, shown, limits), maxBytes);
  let actionButtons = model.actions.length > 0;
  if (!fit.fits && actionButtons) {
    fit = fitCard(total, (shown, limits) => layoutCard(model, shown, limits, { actionButtons: false }), maxBytes);
    actionButtons = false;
  }
  return {
    message: fit.value,
    layout: 'default',
    ...(templateProblem !== undefined ? { templateProblem } : {}),
    shownAlerts: fit.shown,
    omittedAlerts: groupSize(model) - fit.shown,
    bytes: fit.bytes,
    fits: fit.fits,
    actionButtons,
  };
}

const md = (content: string) => ({ tag: 'lark_md' as const, content });
const short = (label: string, content: string): LarkDivField => ({ is_short: true, text: md(`**${label}**\n${content}`) });

/**
 * Lays out the card showing the first `shown` alerts of the model with the given text limits: the
 * summary, the incident's state, mentions, the action buttons (near the top, where a person looks
 * first; left out only with `actionButtons: false`), the alerts, the console button, the keywords.
 */
export function layoutCard(model: CardModel, shown: number, limits: TextLimits, options: { actionButtons?: boolean } = {}): LarkCardMessage {
  const s = model.strings;
  const label = (text: string) => escapeLarkMd(truncateText(oneLine(text), limits.labelChars));
  const fields: LarkDivField[] = [
    short(s.severity, model.severities.length > 0 ? model.severities.map(label).join(', ') : s.noSeverity),
    short(s.status, model.status === 'firing' ? s.firing : s.resolved),
    short(
      s.alerts,
      model.firingCount > 0 && model.resolvedCount > 0
        ? s.counts(model.firingCount, model.resolvedCount)
        : s.alertCount(groupSize(model)),
    ),
  ];
  if (model.groupLabels.length > 0) {
    const group = model.groupLabels.map((pair) => `${label(pair.name)}=${label(pair.value)}`).join(' · ');
    fields.push({ is_short: false, text: md(`**${s.group}**\n${group}`) });
  }
  const elements: LarkCardElement[] = [{ tag: 'div', fields }];
  if (model.escalation) elements.push({ tag: 'div', text: md(`**${escapeLarkMd(model.escalation)}**`) });
  if (model.incidentState) elements.push({ tag: 'div', text: md(`**${escapeLarkMd(model.incidentState)}**`) });
  if (model.mentions.length > 0) {
    elements.push({ tag: 'div', text: md(model.mentions.map((id) => `<at id=${id}></at>`).join(' ')) });
  }
  if (model.actions.length > 0 && options.actionButtons !== false) elements.push(actionButtonsElement(model.actions));
  for (const alert of model.alerts.slice(0, shown)) {
    elements.push({ tag: 'hr' }, { tag: 'div', text: md(alertBlock(model, alert, limits)) });
  }
  const omitted = groupSize(model) - shown;
  const consoleUrl = safeLinkUrl(model.consoleUrl);
  if (omitted > 0) elements.push({ tag: 'hr' }, { tag: 'div', text: md(moreLine(model, omitted)) });
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

