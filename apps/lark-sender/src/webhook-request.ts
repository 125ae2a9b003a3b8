import { isDailySummary, type LarkNotification, type NotificationObjectConfig } from '@alertlark/contracts';
import type { CardTarget, LarkApp } from '@alertlark/lark';
import { chatbotGroupKey, type InboxEntry } from './bot-queues';

/** A chatbot as the sender posts to it: its configuration and its webhook, unsealed. */
export interface Chatbot {
  config: NotificationObjectConfig;
  /** A custom bot's webhook (none for an app bot). */
  webhookUrl: string;
  secret: string | undefined;
  /** `webhookKey` of the URL it posts to now; an app bot's `appChatKey`. */
  webhookKey: string;
  /** An app bot: the app it sends as, and the chat. */
  app?: { lark: LarkApp; chatId: string };
}

/**
 * The entries one request may carry: those whose chatbot is known, and of them those posting to
 * the webhook the oldest one posts to. A bot's queue holds the notifications keyed by its webhook,
 * but a chatbot whose URL changed since (or whose notifications were keyed by its id, before
 * webhook keys) now posts elsewhere, and a request goes to one webhook: another's chatbots must
 * never get these alerts. Oldest first, so those waiting longest go first whichever webhook they
 * are for.
 */
export function requestEntries(entries: readonly InboxEntry[], chatbots: ReadonlyMap<string, Chatbot>): InboxEntry[] {
  const known = entries.filter((entry) => chatbots.has(entry.objectId));
  if (known.length === 0) return [];
  const webhook = chatbots.get(known[0]!.objectId)!.webhookKey;
  return known.filter((entry) => chatbots.get(entry.objectId)!.webhookKey === webhook);
}

/**
 * Who a digest of `entries` (oldest first, all posting to one webhook) is from: the chatbot of
 * the newest notification gives the card's name, card settings and signing secret (the chatbot
 * most recently heard of; chatbots sharing a webhook share its bot, so its secret), and the card
 * lists the keywords of every chatbot in it, so that whichever of them the bot checks for
 * (LARK.md: 19024) is there.
 */
export function digestSender(entries: readonly InboxEntry[], chatbots: ReadonlyMap<string, Chatbot>): { chatbot: Chatbot; target: CardTarget } {
  const chatbot = chatbots.get(entries[entries.length - 1]!.objectId)!;
  const keywords = new Set(chatbot.config.keywords);
  for (const entry of entries) for (const keyword of chatbots.get(entry.objectId)?.config.keywords ?? []) keywords.add(keyword);
  const { name, card } = chatbot.config;
  return { chatbot, target: { name, keywords: [...keywords], ...(card ? { card } : {}) } };
}

/** A notification as the digest is to group it: by its chatbot's group (`chatbotGroupKey`). */
export function asChatbotGroup(notification: LarkNotification): LarkNotification {
  return isDailySummary(notification) ? notification : { ...notification, groupKey: chatbotGroupKey(notification) };
}
