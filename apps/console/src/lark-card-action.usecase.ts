import { HttpException, Inject, Injectable } from '@nestjs/common';
import { cardActionValueSchema, type CardActionValue, type IncidentView, type NotificationEvent } from '@alertlark/contracts';
import { cardActionAnswer, renderAlertCard, sharedCard, type CardActionAnswer, type LarkCallback } from '@alertlark/lark';
import { AlertGroupRepository, AlertStateRepository, NotificationObjectRepository, type AlertGroupRecord, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { AlertGroupActionsUseCase, type ActionResult } from './alert-group-actions.usecase';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { ownerOf } from './sealed-fields';

type CardAction = Extract<LarkCallback, { kind: 'card_action' }>;

/** Lark wants the answer within 3 s: everything, the router's decision included, within this. */
const ANSWER_WITHIN_MS = 2_500;
/** Kept back from the deadline for rendering the card and sending the answer. */
const RENDER_RESERVE_MS = 300;
/** An event id is remembered this long (Lark retries a callback within minutes). */
const EVENT_ID_KEPT_MS = 24 * 3_600_000;
/** The group's alerts a card answered to a click may list (the card is cut to Lark's size anyway). */
const CARD_ALERTS = 200;

const DONE: Record<CardActionValue['action'], string> = { claim: 'Claimed', unclaim: 'Unclaimed', resolve: 'Resolved', silence: 'Silenced' };

/**
 * A click on an app bot's card button (`card.action.trigger`, already checked by the controller
 * with the chatbot's secrets): acted on once per event id, as the operator's open_id (verified),
 * for the chatbot of the chat it came from, and answered with a toast and the group's card as it
 * now stands, all within Lark's 3 s.
 */
@Injectable()
export class LarkCardActionUseCase {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly groups: AlertGroupRepository,
    private readonly alerts: AlertStateRepository,
    private readonly actions: AlertGroupActionsUseCase,
    private readonly secrets: SecretBox,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  async answer(object: NotificationObjectRecord, callback: CardAction, receivedAt: number): Promise<CardActionAnswer> {
    const chatbot = await this.chatbotOf(object, callback);
    if (!chatbot) return cardActionAnswer({ type: 'error', content: 'This chat is not one of this app’s chatbots in Alertlark.' });
    if (!(await this.groups.useLink(`lark:${object._id}:${callback.eventId}`, new Date(), new Date(Date.now() + EVENT_ID_KEPT_MS)))) {
      // Lark's retry of a click already handled: nothing is done twice.
      return cardActionAnswer({ type: 'info', content: 'Already handled.' });
    }
    const value = cardActionValueSchema.safeParse(callback.value);
    if (!value.success) return cardActionAnswer({ type: 'error', content: 'This button is not one of Alertlark’s.' });
    const { action, groupId, incidentId, durationMs } = value.data;
    const { openId } = callback.operator;
    let result: ActionResult;
    try {
      result = await this.actions.act(
        chatbot.teamId,
        groupId,
        { action, actor: { name: openId, verified: true, openId }, source: 'callback', incidentId, idempotencyKey: `lark:${object._id}:${callback.eventId}`, ...(durationMs ? { durationMs } : {}) },
        () => Math.max(0, receivedAt + ANSWER_WITHIN_MS - RENDER_RESERVE_MS - Date.now()),
      );
    } catch (error) {
      const message = error instanceof HttpException ? messageOf(error) : 'Alertlark could not reach its database or Kafka: try again in a moment.';
      return cardActionAnswer({ type: 'error', content: message });
    }
    if (result.outcome === 'pending') return cardActionAnswer({ type: 'info', content: 'Asked; the card will show it in a moment.' });
    // Refused too: the card shows the incident as the router has it (who did claim it), for everyone in the chat.
    const card = await this.card(chatbot, result.group, result.incident ?? result.group.incident).catch(() => undefined);
    if (result.outcome === 'refused') return cardActionAnswer({ type: 'warning', content: result.reason ?? 'Refused.' }, card);
    return cardActionAnswer({ type: 'success', content: DONE[action] }, card);
  }

  /**
   * The chatbot the click is for: Lark calls one URL per app, so a click in another chat of the
   * same app reaches the chatbot whose URL was set; it acts for the team's chatbot of that chat.
   * None when no chatbot of the team is that app in that chat.
   */
  private async chatbotOf(object: NotificationObjectRecord, callback: CardAction): Promise<NotificationObjectRecord | undefined> {
    const isThisApp = (candidate: NotificationObjectRecord) => {
      try {
        return candidate.app !== undefined && this.secrets.open(candidate.app.appIdEncrypted, ownerOf(candidate), 'app.appId') === callback.appId;
      } catch {
        return false;
      }
    };
    if (!isThisApp(object)) return undefined;
    if (!callback.chatId || callback.chatId === object.app!.chatId) return object;
    const inChat = await this.objects.appBotsInChat(object.teamId, callback.chatId);
    return inChat.find(isThisApp);
  }

  /**
   * The group's card as it stands now, from the console's read model: the renderer lark-sender
   * uses, with the incident as decided. Undefined (the card stays as it is) when nothing fires.
   */
  private async card(object: NotificationObjectRecord, group: AlertGroupRecord, incident: IncidentView | null | undefined): Promise<object | undefined> {
    const now = new Date();
    const firing = await this.alerts.list(object.teamId, { state: 'firing', groupKey: group.groupKey, limit: CARD_ALERTS, offset: 0, now });
    if (firing.length === 0) return undefined;
    const notification: NotificationEvent = {
      notificationId: `callback_${group._id}`,
      teamId: object.teamId,
      objectId: object._id,
      policyId: group.policyId,
      groupKey: group.groupKey,
      groupLabels: group.groupLabels,
      status: 'firing',
      alerts: firing.map((alert) => ({
        fingerprint: alert.fingerprint,
        status: 'firing',
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt.toISOString(),
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      })),
      groupId: group._id,
      ...(incident ? { incident } : {}),
      createdAt: now.toISOString(),
    };
    const target = { name: object.name, keywords: object.keywords, ...(object.card ? { card: object.card } : {}) };
    const consoleUrl = `${this.env.ALERTLARK_CONSOLE_URL.replace(/\/+$/, '')}/alert-groups/${encodeURIComponent(group._id)}`;
    return sharedCard(renderAlertCard(notification, target, { consoleUrl, callbacks: true }, { now }).card);
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  return typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : error.message;
}
