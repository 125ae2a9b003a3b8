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
  type UpdateNotificationObjectBody,
  type NotificationObjectView,
} from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { parseLarkWebhookUrl } from '@alertlark/lark';
import { NotificationObjectRepository, NotificationPolicyRepository, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { configEventOf, deleteAnnounced, publishConfig, updateAnnounced } from './config-events';
import { ConfigResync } from './config-resync';
import { cardValidationIssues, previewCard, previewUnsavedCard, sendTestCard } from './notification-object-card.usecase';
import { pageQuerySchema } from './page-query';
import { TEAM_CAPS, rejectIfAtCap, type TeamCaps } from './team-caps';
import { TestSendLimiter } from './test-send.limiter';
import { rejectIfInvalid, validationFailed } from './validation';

export const notificationObjectListQuerySchema = pageQuerySchema.extend({ q: z.string().trim().max(100).optional() });
type ListQuery = z.output<typeof notificationObjectListQuerySchema>;

/** What the API shows of a chatbot: the bot token and signing secret never leave masked. */
export function notificationObjectView(record: NotificationObjectRecord): NotificationObjectView {
  return {
    id: record._id,
    name: record.name,
    webhookUrl: `${record.webhookHost}/open-apis/bot/v2/hook/****${record.webhookTokenTail}`,
    secret: record.secretEncrypted ? '****' : null,
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
    private readonly publisher: EventPublisher,
    private readonly resync: ConfigResync,
    private readonly secrets: SecretBox,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
    @Inject(TEAM_CAPS) private readonly caps: TeamCaps,
    private readonly testSends: TestSendLimiter,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createNotificationObjectBodySchema)) body: CreateNotificationObjectBody) {
    const teamId = request.team!._id;
    const webhook = this.checkWebhook(body.webhookUrl);
    rejectIfInvalid(cardValidationIssues(body.card, body));
    rejectIfAtCap('chatbots', await this.objects.countOfTeam(teamId), this.caps.chatbots);
    const now = new Date();
    const record = await this.objects.create({
      _id: `nobj_${randomBytes(8).toString('hex')}`,
      teamId,
      name: body.name,
      ...webhook,
      ...(body.secret ? { secretEncrypted: this.secrets.encrypt(body.secret) } : {}),
      keywords: body.keywords,
      ...(body.dailyStats ? { dailyStats: body.dailyStats } : {}),
      ...(body.card ? { card: body.card } : {}),
      createdAt: now,
      updatedAt: now,
    });
    await publishConfig(this.publisher, configEventOf.object(record, this.secrets));
    return notificationObjectView(record);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(notificationObjectListQuerySchema)) query: ListQuery) {
    const records = await this.objects.list(request.team!._id, query);
    return { items: records.map(notificationObjectView), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    return notificationObjectView(await this.find(request, id));
  }

  /** Fields left out keep their value; `null` removes secret, dailyStats or card. */
  @Put(':id')
  async update(@Req() request: ConsoleRequest, @Param('id') id: string, @Body(new ZodPipe(updateNotificationObjectBodySchema)) body: UpdateNotificationObjectBody) {
    const current = await this.find(request, id);
    const webhook = body.webhookUrl !== undefined ? this.checkWebhook(body.webhookUrl) : {};
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
        ...(body.secret ? { secretEncrypted: this.secrets.encrypt(body.secret) } : {}),
        ...(body.dailyStats ? { dailyStats: body.dailyStats } : {}),
        ...(body.card ? { card: body.card } : {}),
        updatedAt: new Date(),
      },
      unset,
    );
    if (!record) throw new NotFoundException({ error: 'not_found', message: `notification object ${id} not found` });
    await updateAnnounced(this.publisher, configEventOf.object(record, this.secrets), async () => (await this.objects.byId(id)) !== null, { type: 'object.deleted', teamId: record.teamId, objectId: id });
    return notificationObjectView(record);
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
    await deleteAnnounced(this.publisher, { type: 'object.deleted', teamId, objectId: id }, () => this.objects.delete(teamId, id), this.resync.deleteAnnouncement);
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

  /** The sealed webhook fields of a URL that passed the check; a 400 naming the problem otherwise. */
  private checkWebhook(raw: string) {
    const webhook = parseLarkWebhookUrl(raw, this.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
    if (!webhook.ok) throw validationFailed([{ path: 'webhookUrl', message: webhook.reason }]);
    return {
      webhookUrlEncrypted: this.secrets.encrypt(webhook.url),
      webhookHost: `${new URL(webhook.url).protocol}//${webhook.host}`,
      webhookTokenTail: webhook.token.slice(-4),
    };
  }

}
