import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EVENTS, createNotificationObjectBodySchema, type CreateNotificationObjectBody } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { parseLarkWebhookUrl } from '@alertlark/lark';
import { NotificationObjectRepository, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { pageQuerySchema } from './page-query';

const listQuerySchema = pageQuerySchema.extend({ q: z.string().trim().max(100).optional() });
type ListQuery = z.output<typeof listQuerySchema>;

/** What the API shows of a chatbot: the bot token and signing secret never leave masked. */
export function notificationObjectView(record: NotificationObjectRecord) {
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
    private readonly publisher: EventPublisher,
    private readonly secrets: SecretBox,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createNotificationObjectBodySchema)) body: CreateNotificationObjectBody) {
    const teamId = request.team!._id;
    const webhook = parseLarkWebhookUrl(body.webhookUrl, this.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
    if (!webhook.ok) {
      throw new BadRequestException({ error: 'validation_failed', message: `webhookUrl: ${webhook.reason}`, details: [{ path: 'webhookUrl', message: webhook.reason }] });
    }
    const now = new Date();
    const record = await this.objects.create({
      _id: `nobj_${randomBytes(8).toString('hex')}`,
      teamId,
      name: body.name,
      webhookUrlEncrypted: this.secrets.encrypt(webhook.url),
      webhookHost: `${new URL(webhook.url).protocol}//${webhook.host}`,
      webhookTokenTail: webhook.token.slice(-4),
      ...(body.secret ? { secretEncrypted: this.secrets.encrypt(body.secret) } : {}),
      keywords: body.keywords,
      ...(body.dailyStats ? { dailyStats: body.dailyStats } : {}),
      ...(body.card ? { card: body.card } : {}),
      createdAt: now,
      updatedAt: now,
    });
    await this.publishUpsert(record);
    return notificationObjectView(record);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(listQuerySchema)) query: ListQuery) {
    const records = await this.objects.list(request.team!._id, query);
    return { items: records.map(notificationObjectView), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const record = await this.objects.get(request.team!._id, id);
    if (!record) throw new NotFoundException({ error: 'not_found', message: `notification object ${id} not found` });
    return notificationObjectView(record);
  }

  private publishUpsert(record: NotificationObjectRecord): Promise<void> {
    return this.publisher.publish(EVENTS.config, [
      {
        key: `object/${record._id}`,
        value: {
          type: 'object.upserted',
          object: {
            id: record._id,
            teamId: record.teamId,
            name: record.name,
            webhookUrlEncrypted: record.webhookUrlEncrypted,
            ...(record.secretEncrypted ? { secretEncrypted: record.secretEncrypted } : {}),
            keywords: record.keywords,
            ...(record.dailyStats ? { dailyStats: record.dailyStats } : {}),
            ...(record.card ? { card: record.card } : {}),
          },
        },
      },
    ]);
  }
}
