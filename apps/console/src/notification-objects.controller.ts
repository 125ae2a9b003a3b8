import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, NotFoundException, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  cardPreviewBodySchema,
  cardSampleBodySchema,
  createNotificationObjectBodySchema,
  updateNotificationObjectBodySchema,
  type CardPreviewBody,
  type CardSampleBody,
  type CreateNotificationObjectBody,
  type LarkAppBody,
  type UpdateNotificationObjectBody,
  type NotificationObjectView,
} from '@alertlark/contracts';
import { parseLarkAppBaseUrl, parseLarkWebhookUrl } from '@alertlark/lark';
import { NotificationObjectRepository, NotificationPolicyRepository, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox, type SealedOwner } from '@alertlark/secrets';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { ConfigPublisher } from './config-publisher.service';
import { cardValidationIssues, previewCard, previewUnsavedCard, sendTestCard } from './notification-object-card.usecase';
import { pageQuerySchema } from './page-query';
import { openOr409, ownerOf } from './sealed-fields';
import { TEAM_CAPS, rejectIfAtCap, type TeamCaps } from './team-caps';
import { TestSendLimiter } from './test-send.limiter';
import { rejectIfInvalid, validationFailed } from './validation';

export const notificationObjectListQuerySchema = pageQuerySchema.extend({ q: z.string().trim().max(100).optional() });
type ListQuery = z.output<typeof notificationObjectListQuerySchema>;

/** Where Lark calls an app bot back (set as the app's card request URL): the console's callback route. */
export function larkCallbackUrl(consoleUrl: string, objectId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/api/v1/lark/callback/${encodeURIComponent(objectId)}`;
}

/** What the API shows of a chatbot: the bot token, signing secret and app credentials never leave masked. */
export function notificationObjectView(record: NotificationObjectRecord, consoleUrl: string): NotificationObjectView {
  const { app } = record;
  return {
    id: record._id,
    name: record.name,
    kind: app ? 'app' : 'webhook',
    webhookUrl: app ? null : `${record.webhookHost}/open-apis/bot/v2/hook/****${record.webhookTokenTail}`,
    secret: record.secretEncrypted ? '****' : null,
    app: app
      ? { appId: `cli_****${app.appIdTail}`, appSecret: '****', encryptKey: '****', verificationToken: '****', chatId: app.chatId, host: app.baseUrl, callbackUrl: larkCallbackUrl(consoleUrl, record._id) }
      : null,
    keywords: record.keywords,
    dailyStats: record.dailyStats ?? null,
    card: record.card ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

@Controller('api/v1/notification-objects')
@UseGuards(TeamGuard)
export class NotificationObjectsController {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly policies: NotificationPolicyRepository,
    private readonly configPublisher: ConfigPublisher,
    private readonly secrets: SecretBox,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
    @Inject(TEAM_CAPS) private readonly caps: TeamCaps,
    private readonly testSends: TestSendLimiter,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createNotificationObjectBodySchema)) body: CreateNotificationObjectBody) {
    const owner = { teamId: request.team!._id, objectId: `nobj_${randomBytes(8).toString('hex')}` };
    const delivery = body.app ? this.sealApp(owner, body.app) : this.checkWebhook(owner, body.webhookUrl!);
    rejectIfInvalid(cardValidationIssues(body.card, body));
    rejectIfAtCap('chatbots', await this.objects.countOfTeam(owner.teamId), this.caps.chatbots);
    const now = new Date();
    const record = await this.objects.create({
      _id: owner.objectId,
      teamId: owner.teamId,
      name: body.name,
      ...delivery,
      ...(body.secret ? { secretEncrypted: this.secrets.seal(body.secret, owner, 'secret') } : {}),
      keywords: body.keywords,
      ...(body.dailyStats ? { dailyStats: body.dailyStats } : {}),
      ...(body.card ? { card: body.card } : {}),
      createdAt: now,
      updatedAt: now,
    });
    this.configPublisher.kick();
    return notificationObjectView(record, this.env.ALERTLARK_CONSOLE_URL);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(notificationObjectListQuerySchema)) query: ListQuery) {
    const records = await this.objects.list(request.team!._id, query);
    return { items: records.map((record) => notificationObjectView(record, this.env.ALERTLARK_CONSOLE_URL)), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    return notificationObjectView(await this.find(request, id), this.env.ALERTLARK_CONSOLE_URL);
  }

  /** Fields left out keep their value; `null` removes secret, dailyStats or card. */
  @Put(':id')
  async update(@Req() request: ConsoleRequest, @Param('id') id: string, @Body(new ZodPipe(updateNotificationObjectBodySchema)) body: UpdateNotificationObjectBody) {
    const current = await this.find(request, id);
    if (current.app ? body.webhookUrl !== undefined || body.secret !== undefined : body.app !== undefined) {
      throw validationFailed([{ path: current.app ? 'webhookUrl' : 'app', message: `this chatbot is ${current.app ? 'an app bot' : 'a custom bot'}; its kind cannot change (create another chatbot)` }]);
    }
    const owner = ownerOf(current);
    const webhook = body.webhookUrl !== undefined ? this.checkWebhook(owner, body.webhookUrl) : body.app !== undefined ? this.sealApp(owner, this.mergedApp(current, body.app)) : {};
    const name = body.name ?? current.name;
    const keywords = body.keywords ?? current.keywords;
    rejectIfInvalid(cardValidationIssues(body.card === undefined ? current.card : (body.card ?? undefined), { name, keywords }));
    const unset = (['secret', 'dailyStats', 'card'] as const).filter((field) => body[field] === null).map((field) => (field === 'secret' ? 'secretEncrypted' : field));
    const record = await this.objects.update(
      request.team!._id,
      id,
      {
        name,
        keywords,
        ...webhook,
        ...(body.secret ? { secretEncrypted: this.secrets.seal(body.secret, owner, 'secret') } : {}),
        ...(body.dailyStats ? { dailyStats: body.dailyStats } : {}),
        ...(body.card ? { card: body.card } : {}),
        updatedAt: new Date(),
      },
      unset,
    );
    if (!record) throw new NotFoundException({ error: 'not_found', message: `notification object ${id} not found` });
    this.configPublisher.kick();
    return notificationObjectView(record, this.env.ALERTLARK_CONSOLE_URL);
  }

  /**
   * Removes the chatbot; every service drops its copy on `object.deleted`. A chatbot a policy still
   * notifies is refused (409 naming the policies): deleting it would turn that policy's
   * notifications into failures nobody asked for.
   */
  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: ConsoleRequest, @Param('id') id: string): Promise<void> {
    const teamId = request.team!._id;
    await this.find(request, id);
    const users = await this.policies.usingObject(teamId, id);
    if (users.length > 0) {
      throw new HttpException(
        {
          error: 'object_in_use',
          message: `the chatbot is still notified by ${users.length === 1 ? 'policy' : 'policies'} ${users.map((policy) => `"${policy.name}"`).join(', ')}: remove it from ${users.length === 1 ? 'that policy' : 'them'} first`,
          details: users.map((policy) => ({ policyId: policy._id, name: policy.name })),
        },
        HttpStatus.CONFLICT,
      );
    }
    if (!(await this.objects.delete(teamId, id, new Date()))) throw new NotFoundException({ error: 'not_found', message: `notification object ${id} not found` });
    this.configPublisher.kick();
  }

  /**
   * The card a chatbot not saved yet would get: the console's live preview, from the sender's own
   * renderer, so the browser never renders a card of its own. Nothing is stored.
   */
  @Post('preview')
  @HttpCode(200)
  previewUnsaved(@Body(new ZodPipe(cardPreviewBodySchema)) body: CardPreviewBody) {
    return previewUnsavedCard(body, this.env);
  }

  /** The card the chatbot would get for these alerts (or a sample group), not sent. */
  @Post(':id/preview')
  @HttpCode(200)
  async preview(@Req() request: ConsoleRequest, @Param('id') id: string, @Body(new ZodPipe(cardSampleBodySchema)) body: CardSampleBody) {
    return previewCard(await this.find(request, id), body, this.env);
  }

  /** Sends a sample card to the chatbot now and answers with what Lark said (429 past the webhook's rate budget). */
  @Post(':id/test')
  @HttpCode(200)
  async test(@Req() request: ConsoleRequest, @Param('id') id: string, @Body(new ZodPipe(cardSampleBodySchema)) body: CardSampleBody) {
    return sendTestCard(await this.find(request, id), body, { secrets: this.secrets, env: this.env, limiter: this.testSends });
  }

  private async find(request: ConsoleRequest, id: string): Promise<NotificationObjectRecord> {
    const record = await this.objects.get(request.team!._id, id);
    if (!record) throw new NotFoundException({ error: 'not_found', message: `notification object ${id} not found` });
    return record;
  }

  /**
   * The sealed fields of an app bot whose host passed the check (Lark's, or allowlisted like a
   * webhook's); a 400 naming the problem otherwise.
   */
  private sealApp(owner: SealedOwner, app: LarkAppBody) {
    const base = parseLarkAppBaseUrl(app.host, this.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
    if (!base.ok) throw validationFailed([{ path: 'app.host', message: base.reason }]);
    return {
      webhookHost: base.baseUrl,
      app: {
        appIdEncrypted: this.secrets.seal(app.appId, owner, 'app.appId'),
        appIdTail: app.appId.slice(-4),
        appSecretEncrypted: this.secrets.seal(app.appSecret, owner, 'app.appSecret'),
        encryptKeyEncrypted: this.secrets.seal(app.encryptKey, owner, 'app.encryptKey'),
        verificationTokenEncrypted: this.secrets.seal(app.verificationToken, owner, 'app.verificationToken'),
        chatId: app.chatId,
        baseUrl: base.baseUrl,
      },
    };
  }

  /** An app bot's settings after an update: the fields given, the current ones (unsealed) for the rest. */
  private mergedApp(current: NotificationObjectRecord, update: Partial<LarkAppBody>): LarkAppBody {
    const app = current.app!;
    const owner = ownerOf(current);
    return {
      appId: update.appId ?? openOr409(this.secrets, app.appIdEncrypted, owner, 'app.appId'),
      appSecret: update.appSecret ?? openOr409(this.secrets, app.appSecretEncrypted, owner, 'app.appSecret'),
      encryptKey: update.encryptKey ?? openOr409(this.secrets, app.encryptKeyEncrypted, owner, 'app.encryptKey'),
      verificationToken: update.verificationToken ?? openOr409(this.secrets, app.verificationTokenEncrypted, owner, 'app.verificationToken'),
      chatId: update.chatId ?? app.chatId,
      host: update.host ?? app.baseUrl,
    };
  }

  /** The sealed webhook fields of a URL that passed the check; a 400 naming the problem otherwise. */
  private checkWebhook(owner: SealedOwner, raw: string) {
    const webhook = parseLarkWebhookUrl(raw, this.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
    if (!webhook.ok) throw validationFailed([{ path: 'webhookUrl', message: webhook.reason }]);
    return {
      webhookUrlEncrypted: this.secrets.seal(webhook.url, owner, 'webhookUrl'),
      webhookHost: `${new URL(webhook.url).protocol}//${webhook.host}`,
      webhookTokenTail: webhook.token.slice(-4),
    };
  }

}
