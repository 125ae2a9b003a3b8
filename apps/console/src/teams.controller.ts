import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createTeamBodySchema, rotateTokenBodySchema, type CreateTeamBody, type RotateTokenBody } from '@alertlark/contracts';
import {
  AlertStateRepository,
  DeliveryAuditRepository,
  InhibitionRuleRepository,
  NotificationObjectRepository,
  NotificationPolicyRepository,
  SilenceRepository,
  TeamRepository,
} from '@alertlark/persistence';
import { generateToken, hashToken } from '@alertlark/secrets';
import { ZodPipe } from '@alertlark/service-kit';
import { AdminGuard } from './auth.guards';
import { ConfigPublisher } from './config-publisher.service';
import { TokenRotationUseCase } from './token-rotation.usecase';

@Controller('api/v1/teams')
@UseGuards(AdminGuard)
export class TeamsController {
  constructor(
    private readonly teams: TeamRepository,
    private readonly objects: NotificationObjectRepository,
    private readonly policies: NotificationPolicyRepository,
    private readonly silences: SilenceRepository,
    private readonly inhibitionRules: InhibitionRuleRepository,
    private readonly alertStates: AlertStateRepository,
    private readonly deliveries: DeliveryAuditRepository,
    private readonly configPublisher: ConfigPublisher,
    private readonly rotation: TokenRotationUseCase,
  ) {}

  /** The tokens are in this answer only: they are stored as hashes. */
  @Post()
  @HttpCode(201)
  async create(@Body(new ZodPipe(createTeamBodySchema)) body: CreateTeamBody) {
    const apiToken = generateToken('api');
    const ingestToken = generateToken('ingest');
    const now = new Date();
    const team = await this.teams.create({
      _id: `team_${randomBytes(8).toString('hex')}`,
      name: body.name,
      apiTokenHash: hashToken(apiToken),
      ingestTokenHash: hashToken(ingestToken),
      createdAt: now,
      updatedAt: now,
    });
    this.configPublisher.kick();
    return { id: team._id, name: team.name, apiToken, ingestToken, createdAt: team.createdAt.toISOString() };
  }

  /** A new API or ingest token for the team, in this answer only; the old one stops working. */
  @Post(':id/tokens')
  @HttpCode(201)
  rotateToken(@Param('id') id: string, @Body(new ZodPipe(rotateTokenBodySchema)) body: RotateTokenBody) {
    return this.rotation.rotate(id, body.kind);
  }

  /**
   * The team and everything it owns: chatbots, policies, silences, inhibition rules, alert states
   * and history. Every service drops its copy on the `team.deleted` event (and the rows' own
   * deletes), published once the tombstones are written.
   */
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    if (!(await this.teams.get(id))) throw new NotFoundException({ error: 'not_found', message: `team ${id} not found` });
    // The team row last: a delete that fails halfway leaves the team, so a retry finds it.
    const now = new Date();
    await Promise.all([
      this.objects.deleteAllOfTeam(id, now),
      this.policies.deleteAllOfTeam(id, now),
      this.silences.deleteAllOfTeam(id, now),
      this.inhibitionRules.deleteAllOfTeam(id, now),
      this.alertStates.deleteAllOfTeam(id),
      this.deliveries.deleteAllOfTeam(id),
    ]);
    await this.teams.delete(id, now);
    this.configPublisher.kick();
  }

  @Get()
  async list() {
    const teams = await this.teams.list();
    return { items: teams.map((team) => ({ id: team._id, name: team.name, createdAt: team.createdAt.toISOString() })) };
  }
}
