import { Controller, HttpCode, HttpException, Param, Post, Req, Res, Inject } from '@nestjs/common';
import { z } from 'zod';
import { actionKindSchema, type IncidentView, type NotificationEvent } from '@alertlark/contracts';
import { cardActionAnswer, readLarkCallback, renderAlertCard, sharedCard, type CardActionAnswer } from '@alertlark/lark';
import { AlertGroupRepository, AlertStateRepository, NotificationObjectRepository, type AlertGroupRecord, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { AlertGroupActionsUseCase, type ActionResult } from './alert-group-actions.usecase';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { openOr409, ownerOf } from './sealed-fields';

/** Express' request and response as far as a callback goes (no @types/express in the workspace). */
interface CallbackRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}
interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
}

/** What an app bot's callback button carries (`cardActionButtons`). */
const buttonValueSchema = z.object({
  action: actionKindSchema.extract(['claim', 'resolve', 'silence', 'unclaim']),
  groupId: z.string().min(1).max(100),
  incidentId: z.string().min(1).max(100),
  durationMs: z.number().int().min(60_000).max(7 * 24 * 3_600_000).optional(),
});

/** Lark wants the answer within 3 s; the router's decision is awaited for at most this long. */
const DECISION_WAIT_MS = 2_000;
/** An event id is remembered this long (Lark retries a callback within minutes). */
const EVENT_ID_KEPT_MS = 24 * 3_600_000;
/** The group's alerts a card answered to a click may list (the card is cut to Lark's size anyway). */
const CARD_ALERTS = 200;

const DONE: Record<string, string> = { claim: 'Claimed', unclaim: 'Unclaimed', resolve: 'Resolved', silence: 'Silenced' };

/**
 * Where Lark calls an app bot back (LARK.md, "Lark app"): the URL check, and `card.action.trigger`
 * when someone clicks a card's button. The callback is checked (signature, clock, decryption,
 * verification token) with the chatbot's own secrets; a replayed `event_id` acts once. The
 * operator's open_id is the verified actor. The answer, within Lark's 3 s, is a toast and the card
 * again with the group's new state; other cards of the group are edited by lark-sender.
 */
@Controller('api/v1/lark/callback')
export class LarkCallbackController {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly groups: AlertGroupRepository,
    private readonly alerts: AlertStateRepository,
    private readonly actions: AlertGroupActionsUseCase,
    private readonly secrets: SecretBox,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  @Post(':objectId')
  @HttpCode(200)
  async callback(@Param('objectId') objectId: string, @Req() request: CallbackRequest, @Res() response: JsonResponse): Promise<void> {
    const object = await this.objects.byId(objectId);
    if (!object?.app) {
      response.status(404).json({ error: 'not_found', message: `no app bot ${objectId}` });
      return;
    }
    const owner = ownerOf(object);
    const check = readLarkCallback({
      headers: request.headers,
      rawBody: request.rawBody?.toString('utf8') ?? '',
      encryptKey: openOr409(this.secrets, object.app.encryptKeyEncrypted, owner, 'app.encryptKey'),
      verificationToken: openOr409(this.secrets, object.app.verificationTokenEncrypted, owner, 'app.verificationToken'),
      now: Date.now(),
    });
    if (!check.ok) {
      response.status(check.status).json({ error: 'callback_refused', message: check.reason });
      return;
    }
    const { callback } = check;
    if (callback.kind === 'url_verification') {
      response.json({ challenge: callback.challenge });
      return;
    }
    if (!(await this.groups.useLink(`lark:${objectId}:${callback.eventId}`, new Date(), new Date(Date.now() + EVENT_ID_KEPT_MS)))) {
      // Lark's retry of a click already handled: nothing is done twice.
      response.json(cardActionAnswer({ type: 'info', content: 'Already handled.' }));
      return;
    }
    const value = buttonValueSchema.safeParse(callback.value);
    if (!value.success) {
      response.json(cardActionAnswer({ type: 'error', content: 'This button is not one of Alertlark’s.' }));
      return;
    }
    response.json(await this.act(object, callback.eventId, callback.operator.openId, value.data));
  }

  private async act(object: NotificationObjectRecord, eventId: string, openId: string, value: z.infer<typeof buttonValueSchema>): Promise<CardActionAnswer> {
    const { action, groupId, incidentId, durationMs } = value;
    let result: ActionResult;
    try {
      result = await this.actions.act(
        object.teamId,
        groupId,
        { action, actor: { name: openId, verified: true, openId }, source: 'callback', incidentId, idempotencyKey: `lark:${object._id}:${eventId}`, ...(durationMs ? { durationMs } : {}) },
        DECISION_WAIT_MS,
      );
    } catch (error) {
      const message = error instanceof HttpException ? messageOf(error) : 'Alertlark could not reach its database or Kafka: try again in a moment.';
      return cardActionAnswer({ type: 'error', content: message });
    }
    if (result.outcome === 'pending') return cardActionAnswer({ type: 'info', content: 'Asked; the card will show it in a moment.' });
    if (result.outcome === 'refused') return cardActionAnswer({ type: 'warning', content: result.reason ?? 'Refused.' }, await this.card(object, result.group, result.group.incident));
    return cardActionAnswer({ type: 'success', content: DONE[action] ?? 'Done.' }, await this.card(object, result.group, result.incident ?? result.group.incident));
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
