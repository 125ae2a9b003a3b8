import { Injectable, NotFoundException } from '@nestjs/common';
import type { RotateTokenBody } from '@alertlark/contracts';
import { TeamRepository } from '@alertlark/persistence';
import { generateToken, hashToken } from '@alertlark/secrets';
import { ConfigPublisher } from './config-publisher.service';

/**
 * Replaces one of a team's tokens: the new token is in the answer only (its hash is stored), the
 * old one stops working at once in the console; a new ingest token reaches ingest through the
 * `team.upserted` event, which replaces the hash ingest knows.
 */
@Injectable()
export class TokenRotationUseCase {
  constructor(
    private readonly teams: TeamRepository,
    private readonly configPublisher: ConfigPublisher,
  ) {}

  async rotate(teamId: string, kind: RotateTokenBody['kind']) {
    const token = generateToken(kind);
    const team = await this.teams.setTokenHash(teamId, kind, hashToken(token));
    if (!team) throw new NotFoundException({ error: 'not_found', message: `team ${teamId} not found` });
    this.configPublisher.kick();
    return { id: team._id, kind, token, rotatedAt: new Date().toISOString() };
  }
}
