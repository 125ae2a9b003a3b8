import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { createSilenceBodySchema, silenceStateSchema, type CreateSilenceBody, type SilenceView } from '@alertlark/contracts';
import { SilenceRepository, type SilenceRecord } from '@alertlark/persistence';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { ConfigPublisher } from './config-publisher.service';
import { pageQuerySchema } from './page-query';
import { TEAM_CAPS, rejectIfAtCap, type TeamCaps } from './team-caps';
import { expiredTimes, newSilenceTimes, silenceMatcherIssues, silenceState } from './silence-lifecycle';
import { rejectIfInvalid, validationFailed } from './validation';

export const silenceListQuerySchema = pageQuerySchema.extend({ state: silenceStateSchema.optional() });
type SilenceListQuery = z.output<typeof silenceListQuerySchema>;

/** The state is computed at request time: the stored times alone decide it. */
function silenceView(record: SilenceRecord, now: Date): SilenceView {
  return {
    id: record._id,
    matchers: record.matchers,
    startsAt: record.startsAt.toISOString(),
    endsAt: record.endsAt.toISOString(),
    state: silenceState(record, now),
    comment: record.comment,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

@Controller('api/v1/silences')
@UseGuards(TeamGuard)
export class SilencesController {
  constructor(
    private readonly silences: SilenceRepository,
    private readonly configPublisher: ConfigPublisher,
    @Inject(TEAM_CAPS) private readonly caps: TeamCaps,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: ConsoleRequest, @Body(new ZodPipe(createSilenceBodySchema)) body: CreateSilenceBody) {
    rejectIfInvalid(silenceMatcherIssues(body.matchers));
    const now = new Date();
    const times = newSilenceTimes(body, now);
    if ('path' in times) throw validationFailed([times]);
    rejectIfAtCap('pending or active silences', await this.silences.countUnexpired(request.team!._id, now), this.caps.silences);
    const record = await this.silences.create({
      _id: `sil_${randomBytes(8).toString('hex')}`,
      teamId: request.team!._id,
      matchers: body.matchers,
      ...times,
      comment: body.comment,
      createdBy: body.createdBy,
      createdAt: now,
      updatedAt: now,
    });
    this.configPublisher.kick();
    return silenceView(record, now);
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(silenceListQuerySchema)) query: SilenceListQuery) {
    const now = new Date();
    const records = await this.silences.list(request.team!._id, { ...query, now });
    return { items: records.map((record) => silenceView(record, now)), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    return silenceView(await this.find(request.team!._id, id), new Date());
  }

  /** Expires the silence (it is kept, as in Alertmanager, and shows as expired). */
  @Delete(':id')
  async expire(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const record = await this.find(request.team!._id, id);
    const now = new Date();
    const times = expiredTimes(record, now);
    // A concurrent expiry moved the times first: this one finds the silence expired as well.
    if (!times || !(await this.silences.updateTimes(record.teamId, id, record, { ...times, updatedAt: now }))) {
      throw new BadRequestException({ error: 'already_expired', message: `silence ${id} has already expired` });
    }
    const expired = { ...record, ...times, updatedAt: now };
    this.configPublisher.kick();
    return silenceView(expired, now);
  }

  private async find(teamId: string, id: string): Promise<SilenceRecord> {
    const record = await this.silences.get(teamId, id);
    if (!record) throw new NotFoundException({ error: 'not_found', message: `silence ${id} not found` });
    return record;
  }
}
