import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createInhibitionRuleBodySchema, type CreateInhibitionRuleBody, type InhibitionRuleView } from '@alertlark/contracts';
import { InhibitionRuleRepository, type InhibitionRuleRecord } from '@alertlark/persistence';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { ConfigPublisher } from './config-publisher.service';
import { pageQuerySchema, type PageQuery } from './page-query';
import { TEAM_CAPS, rejectIfAtCap, type TeamCaps } from './team-caps';
import { matcherIssues, rejectIfInvalid } from './validation';

function inhibitionRuleView(record: InhibitionRuleRecord): InhibitionRuleView {
  return {
    id: record._id,
    name: record.name,
    sourceMatchers: record.sourceMatchers,
    targetMatchers: record.targetMatchers,
    equal: record.equal,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

@Controller('api/v1/inhibition-rules')
@UseGuards(TeamGuard)
export class InhibitionRulesController {
  constructor(
    private readonly rules: InhibitionRuleRepository,
    private readonly configPublisher: ConfigPublisher,
    @Inject(TEAM_CAPS) private readonly caps: TeamCaps,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createInhibitionRuleBodySchema)) body: CreateInhibitionRuleBody) {
    rejectIfInvalid([...matcherIssues('sourceMatchers', body.sourceMatchers), ...matcherIssues('targetMatchers', body.targetMatchers)]);
    rejectIfAtCap('inhibition rules', await this.rules.countOfTeam(request.team!._id), this.caps.inhibitionRules);
    const now = new Date();
    const record = await this.rules.create({ _id: `inh_${randomBytes(8).toString('hex')}`, teamId: request.team!._id, ...body, createdAt: now, updatedAt: now });
    this.configPublisher.kick();
    return inhibitionRuleView(record);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(pageQuerySchema)) query: PageQuery) {
    const records = await this.rules.list(request.team!._id, query);
    return { items: records.map(inhibitionRuleView), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const record = await this.rules.get(request.team!._id, id);
    if (!record) throw notFound(id);
    return inhibitionRuleView(record);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: ConsoleRequest, @Param('id') id: string): Promise<void> {
    const teamId = request.team!._id;
    if (!(await this.rules.delete(teamId, id, new Date()))) throw notFound(id);
    this.configPublisher.kick();
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ error: 'not_found', message: `inhibition rule ${id} not found` });
}
