import { createHash } from 'node:crypto';
import type { NotificationObjectConfig } from './config.event';

/**
 * The token of a custom-bot webhook URL (`…/open-apis/bot/v2/hook/<token>`): its last path
 * segment, whatever the host's case, port, trailing slashes, query or fragment. The token alone
 * names the bot: Lark limits the bot whichever URL reaches it (Feishu's host, an allowlisted
 * proxy), so two URLs with one token are one webhook.
 */
function webhookToken(webhookUrl: string): string {
  return /\/([^/?#]+)\/*(?:[?#].*)?$/.exec(webhookUrl.trim())?.[1] ?? webhookUrl.trim();
}

/**
 * The key of a webhook's rate budget: `wh_` and the first 32 hex digits (128 bits) of the SHA-256
 * of its token. Lark limits a bot's webhook (5/s, 100/min) whichever chatbot object posts to it,
 * so every object on one webhook must share one budget; the key says which webhook without
 * revealing its token (a Lark token is a random UUID, so its hash cannot be searched back), and
 * can travel in Kafka keys, logs and the sender's `bot_rate_windows`. The `wh_` prefix keeps it
 * apart from a chatbot id (`nobj_…`) where either may be a key.
 */
export function webhookKey(webhookUrl: string): string {
  return `wh_${createHash('sha256').update(webhookToken(webhookUrl), 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * The key of an app bot's chat (`ac_` + 128 bits of SHA-256 of app and chat): as a webhook's key
 * for a custom bot, the key of its notifications and of its sender's queue, without naming either.
 */
export function appChatKey(appId: string, chatId: string): string {
  return `ac_${createHash('sha256').update(`${appId}\n${chatId}`, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * The Kafka key of a notification to chatbot `objectId` (`alertlark.notifications.v1`), for every
 * producer of notifications: its webhook's key, so every notification for one webhook lands on one
 * partition and one lark-sender replica holds the webhook's budget fleet-wide. The chatbot's id
 * when its config has no webhook key (published before there were any) or is not known yet.
 */
export function notificationKey(objectId: string, object: Pick<NotificationObjectConfig, 'webhookKey'> | undefined): string {
  return object?.webhookKey ?? objectId;
}
