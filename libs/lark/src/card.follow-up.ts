/**
 * The follow-up card: what someone just did to an alert group's incident, told to the chat
 * ("Alice claimed [FIRING:3] HighCPU critical"). Short on purpose: the header in the group's
 * colour, the group's status and counts, who did it (marked when unverified: the header reads as a
 * sentence, the mark is in the body), the incident's state line, a button to the group's page and
 * the keywords note (Lark's keyword check). No alert blocks, no @mentions, no action buttons: the
 * group's alert cards carry those. An object's own template shapes its title (`titleTemplate`, as
 * the title this card quotes), never this card.
 */
import type { NotificationEvent } from '@alertlark/contracts';
import { footerText } from './card.blocks';
import { actorName, activeSilenceEnd, formatUntil } from './card.incident';
import { buildCardModel, groupSize, resolveNow, type CardLinks, type CardTarget } from './card.model';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { LarkCardElement, LarkCardMessage, LarkDivField } from './card.types';

export interface FollowUpOptions {
  /** The instant the state line is told at (a silence over by then is not shown); default the notification's createdAt. */
  now?: Date | number;
}

/** `notification.followUp` must be set. `links.consoleUrl`: the group's page. */
export function renderFollowUpCard(notification: NotificationEvent, target: CardTarget, links: CardLinks, options: FollowUpOptions = {}): LarkCardMessage {
  const { followUp } = notification;
  if (!followUp) throw new RangeError('a follow-up card needs a notification with followUp');
  const nowMs = resolveNow(options.now, notification.createdAt);
  // No action links: a follow-up has no buttons but the console's.
  const model = buildCardModel(notification, target, { ...(links.consoleUrl !== undefined ? { consoleUrl: links.consoleUrl } : {}) }, nowMs);
  const s = model.strings;
  const silenceEnd = followUp.action === 'silence' && notification.incident ? activeSilenceEnd(notification.incident, nowMs) : undefined;
  const until = silenceEnd !== undefined ? formatUntil(silenceEnd, nowMs) : undefined;
  const title = truncateText(oneLine(s.followUp(followUp.action, actorName(followUp.actor, s, { marked: false }), model.title, until)), 200);

  const counts =
    model.firingCount > 0 && model.resolvedCount > 0 ? s.counts(model.firingCount, model.resolvedCount) : s.alertCount(groupSize(model));
  const fields: LarkDivField[] = [
    { is_short: true, text: { tag: 'lark_md', content: `**${s.status}**\n${model.status === 'firing' ? s.firing : s.resolved}` } },
    { is_short: true, text: { tag: 'lark_md', content: `**${s.alerts}**\n${counts}` } },
    { is_short: true, text: { tag: 'lark_md', content: `**${s.by}**\n${escapeLarkMd(actorName(followUp.actor, s))}` } },
  ];
  const elements: LarkCardElement[] = [{ tag: 'div', fields }];
  if (model.incidentState) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `**${escapeLarkMd(model.incidentState)}**` } });
  const consoleUrl = safeLinkUrl(model.consoleUrl);
  if (consoleUrl) {
    elements.push({ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: s.console }, type: 'primary', url: consoleUrl }] });
  }
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: footerText(model) }] });
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: title }, template: model.template },
      elements,
    },
  };
}
