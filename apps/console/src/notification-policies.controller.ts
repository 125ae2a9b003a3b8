import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EVENTS, createNotificationPolicyBodySchema, type CreateNotificationPolicyBody } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { NotificationObjectRepository, NotificationPolicyRepository, type NotificationPolicyRecord } from '@alertlark/persistence';
import { DurationParseError, MatcherParseError, parseDuration, parseMatcher } from '@alertlark/routing';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { listQuerySchema } from './notification-objects.controller';

function policyView(record: NotificationPolicyRecord) {
  return {
    id: record._id,
    name: record.name,
    matchers: record.matchers,
    objectIds: record.objectIds,
    groupBy: record.groupBy ?? ['alertname'],
    groupWait: record.groupWait ?? '30s',
    groupInterval: record.groupInterval ?? '5m',
    repeatInterval: record.repeatInterval ?? '4h',
    sendResolved: record.sendResolved,
    enabled: record.enabled,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** A bad matcher is refused here, with where it breaks, so the router never meets one. */
function checkMatchers(matchers: readonly string[]): void {
  const details: { path: string; position: number; message: string }[] = [];
  matchers.forEach((matcher, index) => {
    try {
      parseMatcher(matcher);
    } catch (error) {
      if (!(error instanceof MatcherParseError)) throw error;
      details.push({ path: `matchers.${index}`, position: error.position, message: error.message });
    }
  });
  if (details.length > 0) {
    throw new BadRequestException({
      error: 'validation_failed',
      message: details.map((detail) => `${detail.path}: ${detail.message}`).join('; '),
      details,
    });
  }
}

/** Durations are checked with the router's own parser (Prometheus rules), not just their shape. */
function checkDurations(body: CreateNotificationPolicyBody): void {
  const details: { path: string; message: string }[] = [];
  for (const field of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    try {
      const ms = parseDuration(value);
      if (ms === 0 && field !== 'groupWait') details.push({ path: field, message: `${field} must be greater than zero` });
    } catch (error) {
      if (!(error instanceof DurationParseError)) throw error;
      details.push({ path: field, message: error.message });
    }
  }
  if (details.length > 0) {
    throw new BadRequestException({ error: 'validation_failed', message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details });
  }
}

@Controller('api/v1/notification-policies')
@UseGuards(TeamGuard)
export class NotificationPoliciesController {
  constructor(
    private readonly policies: NotificationPolicyRepository,
    private readonly objects: NotificationObjectRepository,
    private readonly publisher: EventPublisher,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createNotificationPolicyBodySchema)) body: CreateNotificationPolicyBody) {
    const teamId = request.team!._id;
    checkMatchers(body.matchers);
    checkDurations(body);
    const existing = await this.objects.existingIds(teamId, body.objectIds);
    const unknown = body.objectIds.filter((id) => !existing.has(id));
    if (unknown.length > 0) {
      throw new BadRequestException({ error: 'validation_failed', message: `objectIds: unknown notification object ${unknown.join(', ')}`, details: [{ path: 'objectIds', unknown }] });
    }
    const now = new Date();
    const record = await this.policies.create({ _id: `npol_${randomBytes(8).toString('hex')}`, teamId, ...body, createdAt: now, updatedAt: now });
    const { _id: id, createdAt: _c, updatedAt: _u, ...config } = record;
    await this.publisher.publish(EVENTS.config, [{ key: `policy/${id}`, value: { type: 'policy.upserted', policy: { id, ...config } } }]);
    return policyView(record);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(listQuerySchema)) query: { limit: number; offset: number }) {
    const records = await this.policies.list(request.team!._id, query);
    return { items: records.map(policyView), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const record = await this.policies.get(request.team!._id, id);
    if (!record) throw new NotFoundException({ error: 'not_found', message: `notification policy ${id} not found` });
    return policyView(record);
  }
}
