import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigFeed } from '@alertlark/kafka';
import { hashToken } from '@alertlark/secrets';

export interface IngestRequest {
  headers: Record<string, string | string[] | undefined>;
  teamId?: string;
}

/** `Authorization: Bearer <team ingest token>`; the team comes from the config topic, by token hash. */
@Injectable()
export class IngestTokenGuard implements CanActivate {
  constructor(private readonly config: ConfigFeed) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException({ error: 'unauthorized', message: 'missing bearer token (the team ingest token)' });
    const team = this.config.view.teamByIngestTokenHash(hashToken(match[1]));
    if (!team) throw new UnauthorizedException({ error: 'unauthorized', message: 'unknown ingest token' });
    request.teamId = team.id;
    return true;
  }
}
