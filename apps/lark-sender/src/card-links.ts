import type { NotificationEvent } from '@alertlark/contracts';
import type { CardLinks, LinkActionKind } from '@alertlark/lark';
import { derivedActionTokenKeys, parseSecretKey, signActionToken, type ActionTokenKeys } from '@alertlark/secrets';
import type { LarkSenderEnv } from './lark-sender.env';

/** What the sender needs to make a card's links: the console, and the keys and lifetime of action links. */
export interface CardLinkSettings {
  consoleUrl: string;
  actionKeys: ActionTokenKeys;
  actionTtlMs: number;
}

export const CARD_LINK_SETTINGS = Symbol('CARD_LINK_SETTINGS');

export function cardLinkSettings(env: Pick<LarkSenderEnv, 'ALERTLARK_CONSOLE_URL' | 'ALERTLARK_SECRET_KEY' | 'ALERTLARK_ACTION_LINK_KEYS' | 'ALERTLARK_ACTION_LINK_TTL'>): CardLinkSettings {
  return {
    consoleUrl: env.ALERTLARK_CONSOLE_URL.replace(/\/+$/, ''),
    actionKeys: env.ALERTLARK_ACTION_LINK_KEYS ?? derivedActionTokenKeys(parseSecretKey(env.ALERTLARK_SECRET_KEY)),
    actionTtlMs: env.ALERTLARK_ACTION_LINK_TTL,
  };
}

/** The console's page of an alert group. */
export function groupPageUrl(settings: Pick<CardLinkSettings, 'consoleUrl'>, groupId: string): string {
  return `${settings.consoleUrl}/alert-groups/${encodeURIComponent(groupId)}`;
}

/**
 * The links of a notification's own card (alert or follow-up): its group's page (the old alerts
 * view for a notification without a group id), and, for a group with an incident, action links
 * signed now for this team, group, incident and action, valid `actionTtlMs`. A link that cannot be
 * signed is left out (the card keeps its other buttons), never the card.
 */
export function notificationCardLinks(notification: NotificationEvent, settings: CardLinkSettings, now: number): CardLinks {
  const { groupId, incident } = notification;
  const consoleUrl = groupId ? groupPageUrl(settings, groupId) : `${settings.consoleUrl}/alerts?group=${encodeURIComponent(notification.groupKey)}`;
  if (!groupId || !incident) return { consoleUrl };
  const actionUrl = (action: LinkActionKind, durationMs?: number): string => {
    try {
      const claims = { teamId: notification.teamId, groupId, incidentId: incident.id, action, ...(durationMs !== undefined ? { durationMs } : {}) };
      return `${settings.consoleUrl}/act/${signActionToken(settings.actionKeys, claims, { now, ttlMs: settings.actionTtlMs })}`;
    } catch {
      return '';
    }
  };
  return { consoleUrl, actionUrl };
}
