/**
 * What a card shows of its group's incident (issue 13): who claimed, resolved or silenced it, and
 * the action buttons of a firing card. A custom bot's buttons can only open URLs (LARK.md), so each
 * opens a signed action link (`<console>/act/<token>`); the links come from the caller
 * (`CardLinks.actionUrl`: lark-sender mints the tokens), so rendering stays pure. An app bot's
 * buttons are callbacks instead (`CardLinks.callbacks`), which Lark signs for us.
 */
import type { Actor, CardActionValue, IncidentView, NotificationEvent } from '@alertlark/contracts';
import type { CardStrings } from './card.i18n';
import { oneLine, parseInstant, safeLinkUrl, truncateText } from './card.text';
import type { LarkActionElement } from './card.types';

/** What a card's buttons may ask for (an action link cannot unclaim; an app bot's callback can). */
export type CardActionKind = 'claim' | 'unclaim' | 'resolve' | 'silence';

/** The silences a firing card offers, in hours. */
export const SILENCE_BUTTON_HOURS = [1, 4, 24] as const;

/** Makes the URL a button opens; called once per button and card, never per layout. */
export type ActionUrlMaker = (action: LinkActionKind, durationMs?: number) => string;

/** What an action link may ask for. */
export type LinkActionKind = Exclude<CardActionKind, 'unclaim'>;

export interface CardActionButton {
  action: CardActionKind;
  /** For `silence`: how long. */
  durationMs?: number;
  label: string;
  /** A link button's action link; a callback button has none. */
  url?: string;
  /** A callback button's value. */
  value?: CardActionValue;
}

/** How a card's buttons act: each opens a signed link, or (app bots) calls back with its value. */
export type CardActionMode = { actionUrl: ActionUrlMaker } | { callbacks: true };

/** A person's name as a card shows it: one line, at most 60 characters, marked when unverified (unless `marked: false`). */
export function actorName(actor: Actor, strings: CardStrings, options: { marked?: boolean } = {}): string {
  const name = truncateText(oneLine(actor.name).trim(), 60) || '?';
  return actor.verified || options.marked === false ? name : strings.unverified(name);
}

/**
 * An instant as a card shows it, in UTC like the alerts' times: `14:00 UTC` on the card's own day
 * (`nowMs`), `2024-05-02 14:00 UTC` on another.
 */
export function formatUntil(ms: number, nowMs: number): string {
  const iso = new Date(ms).toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}

/** When a silence made from the chat ends, if it is still on at `nowMs`. */
export function activeSilenceEnd(incident: IncidentView, nowMs: number): number | undefined {
  const endsAt = incident.silence ? parseInstant(incident.silence.endsAt) : undefined;
  return endsAt !== undefined && endsAt > nowMs ? endsAt : undefined;
}

/**
 * The incident's state as one plain-text line ("Claimed by Alice · Silenced until 14:00 UTC by
 * Bob"), or undefined when there is nothing to tell (open, no silence on).
 */
export function incidentStateText(incident: IncidentView | undefined, strings: CardStrings, nowMs: number): string | undefined {
  if (!incident) return undefined;
  const parts: string[] = [];
  if (incident.state === 'claimed' && incident.claimedBy) parts.push(strings.claimedBy(actorName(incident.claimedBy, strings)));
  if (incident.state === 'resolved' && incident.resolvedBy) parts.push(strings.resolvedBy(actorName(incident.resolvedBy, strings)));
  const silencedUntil = activeSilenceEnd(incident, nowMs);
  if (silencedUntil !== undefined && incident.silence) parts.push(strings.silencedUntil(formatUntil(silencedUntil, nowMs), actorName(incident.silence.by, strings)));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The buttons of a card: Claim (unless claimed), Resolve, Silence 1h/4h/24h, on a firing card of a
 * group with an incident that is not resolved, when the caller can make links. Never on a
 * follow-up. A link that is not a safe http(s) URL is left out.
 */
export function cardActionButtons(notification: NotificationEvent, mode: CardActionMode | undefined, strings: CardStrings): CardActionButton[] {
  const { incident, groupId } = notification;
  if (!mode || notification.followUp || notification.status !== 'firing' || !groupId || !incident || incident.state === 'resolved') return [];
  const claimed = incident.state === 'claimed';
  const wanted: Array<Omit<CardActionButton, 'url'>> = [
    ...(!claimed ? [{ action: 'claim' as const, label: strings.claim }] : 'callbacks' in mode ? [{ action: 'unclaim' as const, label: strings.unclaim }] : []),
    { action: 'resolve', label: strings.resolve },
    ...SILENCE_BUTTON_HOURS.map((hours) => ({ action: 'silence' as const, durationMs: hours * 3_600_000, label: strings.silenceFor(hours) })),
  ];
  if ('callbacks' in mode) {
    return wanted.map((button) => ({ ...button, value: { action: button.action, groupId, incidentId: incident.id, ...(button.durationMs !== undefined ? { durationMs: button.durationMs } : {}) } }));
  }
  return wanted.flatMap((button) => {
    if (button.action === 'unclaim') return [];
    const url = safeLinkUrl(mode.actionUrl(button.action, button.durationMs));
    return url ? [{ ...button, url }] : [];
  });
}

/** The v1 `action` element of the buttons: Claim is the primary one. */
export function actionButtonsElement(buttons: readonly CardActionButton[]): LarkActionElement {
  return {
    tag: 'action',
    actions: buttons.map((button) => ({
      tag: 'button',
      text: { tag: 'plain_text', content: button.label },
      type: button.action === 'claim' ? 'primary' : 'default',
      ...(button.value ? { value: button.value } : { url: button.url ?? '' }),
    })),
  };
}

/**
 * The URL a template's `{{claimUrl}}`, `{{resolveUrl}}`, `{{silence1hUrl}}`… stands for: the
 * button's link, or, when the card has no such button (resolved, already claimed, no incident),
 * the group's console page, so a template's button never opens an empty link.
 */
export function actionUrlOf(buttons: readonly CardActionButton[], action: CardActionKind, hours: number | undefined, fallback: string | undefined): string | undefined {
  const found = buttons.find((button) => button.action === action && (hours === undefined || button.durationMs === hours * 3_600_000));
  return found?.url ?? fallback;
}
