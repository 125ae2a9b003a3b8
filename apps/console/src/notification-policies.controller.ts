import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createNotificationPolicyBodySchema, type CreateNotificationPolicyBody, type NotificationPolicyView } from '@alertlark/contracts';
import { NotificationObjectRepository, NotificationPolicyRepository, type NotificationPolicyRecord, type Unversioned } from '@alertlark/persistence';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { ConfigPublisher } from './config-publisher.service';
import { policyBodyIssues } from './notification-policy.validation';
import { pageQuerySchema, type PageQuery } from './page-query';
import { TEAM_CAPS, rejectIfAtCap, type TeamCaps } from './team-caps';
import { rejectIfInvalid, validationFailed } from './validation';

function policyView(record: Unversioned<NotificationPolicyRecord>): NotificationPolicyView {
  return {
    id: record._id,
    name: record.name,
    matchers: record.matchers,
    rules: record.rules ?? null,
    objectIds: record.objectIds,
    groupBy: record.groupBy ?? ['alertname'],
    groupWait: record.groupWait ?? '30s',
    groupInterval: record.groupInterval ?? '5m',
    repeatInterval: record.repeatInterval ?? '4h',
    sendResolved: record.sendResolved,
    enabled: record.enabled,
    muteTimeIntervals: record.muteTimeIntervals ?? null,
    activeTimeIntervals: record.activeTimeIntervals ?? null,
    escalation: record.escalation ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

@Controller('api/v1/notification-policies')
@UseGuards(TeamGuard)
export class NotificationPoliciesController {
  constructor(
    private readonly policies: NotificationPolicyRepository,
    private readonly objects: NotificationObjectRepository,
    private readonly configPublisher: ConfigPublisher,
    @Inject(TEAM_CAPS) private readonly caps: TeamCaps,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createNotificationPolicyBodySchema)) body: CreateNotificationPolicyBody) {
    const teamId = request.team!._id;
    rejectIfInvalid(policyBodyIssues(body));
    await this.checkObjectIds(teamId, body);
    rejectIfAtCap('notification policies', await this.policies.countOfTeam(teamId), this.caps.policies);
    const now = new Date();
    const record = await this.policies.create({ _id: `npol_${randomBytes(8).toString('hex')}`, teamId, ...body, createdAt: now, updatedAt: now });
    this.configPublisher.kick();
    return policyView(record);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(pageQuerySchema)) query: PageQuery) {
    const records = await this.policies.list(request.team!._id, query);
    return { items: records.map(policyView), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    return policyView(await this.find(request.team!._id, id));
  }

  /** Replaces the whole policy: a field left out takes its default, as on creation. */
  @Put(':id')
  async replace(@Req() request: ConsoleRequest, @Param('id') id: string, @Body(new ZodPipe(createNotificationPolicyBodySchema)) body: CreateNotificationPolicyBody) {
    const teamId = request.team!._id;
    rejectIfInvalid(policyBodyIssues(body));
    const existing = await this.find(teamId, id);
    await this.checkObjectIds(teamId, body);
    const record: Unversioned<NotificationPolicyRecord> = { _id: id, teamId, ...body, createdAt: existing.createdAt, updatedAt: new Date() };
    // Deleted since it was read: the same answer as if it had been gone before.
    if (!(await this.policies.replace(record))) throw notFound(id);
    this.configPublisher.kick();
    return policyView(record);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: ConsoleRequest, @Param('id') id: string): Promise<void> {
    const teamId = request.team!._id;
    await this.find(teamId, id);
    if (!(await this.policies.delete(teamId, id, new Date()))) throw notFound(id);
    this.configPublisher.kick();
  }

  private async find(teamId: string, id: string): Promise<NotificationPolicyRecord> {
    const record = await this.policies.get(teamId, id);
    if (!record) throw notFound(id);
    return record;
  }

  /** A policy, and each of its escalation steps, may only notify the team's own chatbots. */
  private async checkObjectIds(teamId: string, body: CreateNotificationPolicyBody): Promise<void> {
    const lists = [{ path: 'objectIds', ids: body.objectIds }, ...(body.escalation?.steps ?? []).map((step, index) => ({ path: `escalation.steps.${index}.objectIds`, ids: step.objectIds }))];
    const existing = await this.objects.existingIds(teamId, [...new Set(lists.flatMap((list) => list.ids))]);
    const issues = lists.flatMap(({ path, ids }) => {
      const unknown = ids.filter((id) => !existing.has(id));
      return unknown.length > 0 ? [{ path, message: `unknown notification object ${unknown.join(', ')}` }] : [];
    });
    if (issues.length > 0) throw validationFailed(issues);
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ error: 'not_found', message: `notification policy ${id} not found` });
}
