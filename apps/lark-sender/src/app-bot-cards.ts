import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Registry, type Counter } from 'prom-client';
import { isDailySummary, type NotificationEvent } from '@alertlark/contracts';
import { LarkAppTokens, patchAppCard, renderAlertCard, sendAppCard, sharedCard, type AlertCardMessage, type AnyCard, type LarkAppSendResult, type LarkPostResult } from '@alertlark/lark';
import { LarkMessageRepository } from '@alertlark/persistence';
import { JsonLogger, counter } from '@alertlark/service-kit';
import type { InboxEntry } from './bot-queues';
import { CARD_LINK_SETTINGS, groupPageUrl, type CardLinkSettings } from './card-links';
import { APP_CARD_EDITABLE_DAYS, LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';
import type { Chatbot } from './webhook-request';

const APP_CARD_EDITABLE_MS = APP_CARD_EDITABLE_DAYS * 24 * 3_600_000;
/** A group's newest cards edited when its state changes: older ones scrolled away, and each edit costs a request of the chat's budget. */
const APP_CARDS_EDITED_PER_CHANGE = 3;

/** Runs one request to Lark in the chat's rate budget; undefined when no slot comes soon enough. */
export type InBudget = <R extends LarkPostResult>(call: () => Promise<R>) => Promise<R | undefined>;

/**
 * An app bot's cards (issue 13): posted as the app to its chat, as shared cards, each message id
 * kept (`lark_messages`, with the notification of a group's alert card) so that the group's cards
 * can be edited in place when its state changes:
 * - a follow-up (someone claimed, resolved or silenced the group, from the chat or the console)
 *   re-renders them with the new incident;
 * - a resolved card of the group replaces them, so old firing cards lose their buttons.
 * The uuid of a post (the notification's id; a digest's, from what it carries) makes Lark answer a
 * retried post with the first message instead of posting twice.
 */
@Injectable()
export class AppBotCards {
  /** Tenant tokens, shared by every chat of an app. */
  private readonly tokens: LarkAppTokens;
  private readonly edits: Counter;

  constructor(
    private readonly messages: LarkMessageRepository,
    private readonly logger: JsonLogger,
    @Inject(LARK_SENDER_ENV) private readonly env: LarkSenderEnv,
    @Inject(CARD_LINK_SETTINGS) private readonly links: CardLinkSettings,
    registry: Registry,
  ) {
    this.tokens = new LarkAppTokens({ timeoutMs: env.LARK_REQUEST_TIMEOUT_MS });
    this.edits = counter(registry, 'alertlark_sender_card_edits_total', "App bots' cards edited in place after their group's state changed, by outcome", ['outcome']);
  }

  async send(chatbot: Chatbot, message: AlertCardMessage, carried: readonly InboxEntry[], digest: boolean, inBudget: InBudget): Promise<LarkPostResult> {
    const app = chatbot.app!;
    const notification = carried[carried.length - 1]!.notification;
    const uuid = digest ? digestUuid(carried) : notification.notificationId;
    const options = { timeoutMs: this.env.LARK_REQUEST_TIMEOUT_MS };
    // The dispatcher sends only with a slot free, so the budget has one.
    const result: LarkAppSendResult = (await inBudget(() => sendAppCard(app.lark, this.tokens, app.chatId, sharedCard(message.card), uuid, options)))!;
    if (!result.ok || !result.messageId) return result;
    const group = digest || isDailySummary(notification) || !notification.groupId ? undefined : notification;
    const alertCard = group && !group.followUp ? group : undefined;
    await this.messages.record({
      _id: result.messageId,
      teamId: notification.teamId,
      objectId: chatbot.config.id,
      notificationId: uuid,
      ...(alertCard ? { groupId: alertCard.groupId!, notification: JSON.stringify(alertCard) } : {}),
      sentAt: new Date(),
    });
    if (group?.followUp) await this.editGroupCards(chatbot, group, (before) => this.rerendered(chatbot, before, group), result.messageId, inBudget);
    else if (group?.status === 'resolved') await this.editGroupCards(chatbot, group, () => message.card, result.messageId, inBudget);
    return result;
  }

  /**
   * The group's newest cards in this chat (other than `justSent`), edited in place to `cardOf`
   * them. Best effort: an edit Lark refuses is logged and counted, and the edits stop when the
   * chat's budget runs short or Lark says to slow down; the card just sent told the chat already.
   */
  private async editGroupCards(chatbot: Chatbot, change: NotificationEvent, cardOf: (before: NotificationEvent) => AnyCard, justSent: string, inBudget: InBudget): Promise<void> {
    const app = chatbot.app!;
    const since = new Date(Date.now() - APP_CARD_EDITABLE_MS);
    const sent = await this.messages.recentOfGroup(change.teamId, chatbot.config.id, change.groupId!, since, APP_CARDS_EDITED_PER_CHANGE + 1);
    for (const card of sent.filter((message) => message._id !== justSent && message.notification).slice(0, APP_CARDS_EDITED_PER_CHANGE)) {
      const before = JSON.parse(card.notification!) as NotificationEvent;
      const result = await inBudget(() => patchAppCard(app.lark, this.tokens, card._id, sharedCard(cardOf(before)), { timeoutMs: this.env.LARK_REQUEST_TIMEOUT_MS }));
      this.edits.inc({ outcome: result?.outcome ?? 'no-budget' });
      if (!result?.ok) this.logger.event('warn', "could not edit an app bot's card", { objectId: chatbot.config.id, messageId: card._id, reason: result?.reason ?? 'no-budget' });
      if (!result || result.rateLimited) return;
    }
  }

  /** A card as sent before, with the group's incident as the follow-up tells it. */
  private rerendered(chatbot: Chatbot, before: NotificationEvent, followUp: NotificationEvent): AnyCard {
    const { name, keywords, card } = chatbot.config;
    const target = { name, keywords, ...(card ? { card } : {}) };
    return renderAlertCard({ ...before, ...(followUp.incident ? { incident: followUp.incident } : {}) }, target, { consoleUrl: groupPageUrl(this.links, followUp.groupId!), callbacks: true }).card;
  }
}

/** A digest's uuid: the same for a retry of the same notifications, so Lark posts it once. */
function digestUuid(carried: readonly InboxEntry[]): string {
  const ids = carried.map((entry) => entry._id).sort();
  return `dg_${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 40)}`;
}
