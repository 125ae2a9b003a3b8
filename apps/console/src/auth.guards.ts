import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { TeamRepository, type Team } from '@alertlark/persistence';
import { hashToken } from '@alertlark/secrets';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';

export interface ConsoleRequest {
  headers: Record<string, string | string[] | undefined>;
  team?: Team;
}

function bearer(request: ConsoleRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new UnauthorizedException({ error: 'unauthorized', message: 'missing bearer token' });
  return match[1];
}

/** Team administration: only the installation's admin token (ALERTLARK_ADMIN_TOKEN). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly adminHash: Buffer;

  constructor(@Inject(CONSOLE_ENV) env: ConsoleEnv) {
    this.adminHash = Buffer.from(hashToken(env.ALERTLARK_ADMIN_TOKEN), 'hex');
  }

  canActivate(context: ExecutionContext): boolean {
    const given = Buffer.from(hashToken(bearer(context.switchToHttp().getRequest<ConsoleRequest>())), 'hex');
    if (!timingSafeEqual(given, this.adminHash)) throw new UnauthorizedException({ error: 'unauthorized', message: 'not the admin token' });
    return true;
  }
}

/** Everything else: a team's API token; the team it names scopes every query. */
@Injectable()
export class TeamGuard implements CanActivate {
  constructor(private readonly teams: TeamRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const team = await this.teams.findByApiTokenHash(hashToken(bearer(request)));
    if (!team) throw new UnauthorizedException({ error: 'unauthorized', message: 'unknown API token' });
    request.team = team;
    return true;
  }
}
