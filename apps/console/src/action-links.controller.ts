import { Body, Controller, Get, HttpException, Inject, Param, Post, Res } from '@nestjs/common';
import { AlertGroupRepository, AlertStateRepository, TeamRepository, type AlertGroupRecord } from '@alertlark/persistence';
import { verifyActionToken, type ActionTokenCheck, type ActionTokenKeys } from '@alertlark/secrets';
import { AlertGroupActionsUseCase } from './alert-group-actions.usecase';
import { confirmPage, errorPage, resultPage, type ActionLinkGroup } from './action-link.page';

export const ACTION_LINK_KEYS = Symbol('ACTION_LINK_KEYS');

/** Express' response, as far as an HTML page goes (no @types/express in the workspace). */
interface PageResponse {
  status(code: number): PageResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

type Verified = Extract<ActionTokenCheck, { ok: true }>;

/** A page that cannot act: its status and why. */
class LinkRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REFUSALS: Record<Extract<ActionTokenCheck, { ok: false }>['reason'], [number, string]> = {
  malformed: [400, 'The link is not a valid action link: it may have been cut short when copied.'],
  'unknown-key': [403, 'The link was signed with a key this installation no longer accepts.'],
  'bad-signature': [403, 'The link’s signature does not match: it was changed or forged.'],
  expired: [410, 'The link has expired. A newer card of the group has fresh links.'],
};

/**
 * The pages a custom bot's card buttons open: `GET /act/<token>` shows what the link would do and
 * changes nothing (link previews and scanners fetch it too); `POST` with the person's name does
 * it, once. A forged, expired, reused or mismatched link gets a 4xx page saying why.
 */
@Controller('act')
export class ActionLinksController {
  constructor(
    @Inject(ACTION_LINK_KEYS) private readonly keys: ActionTokenKeys,
    private readonly groups: AlertGroupRepository,
    private readonly alerts: AlertStateRepository,
    private readonly teams: TeamRepository,
    private readonly actions: AlertGroupActionsUseCase,
  ) {}

  @Get(':token')
  async confirm(@Param('token') token: string, @Res() response: PageResponse): Promise<void> {
    await this.answer(response, async () => {
      const link = this.verify(token);
      if (await this.groups.linkUsed(link.id)) throw new LinkRefused(409, 'The link has been used already: each link acts once.');
      const { group, view } = await this.groupOf(link);
      return confirmPage(view, link.claims.action, link.claims.durationMs, group.incident !== null && group.incident.id !== link.claims.incidentId);
    });
  }

  @Post(':token')
  async act(@Param('token') token: string, @Body() body: Record<string, unknown> | undefined, @Res() response: PageResponse): Promise<void> {
    await this.answer(response, async () => {
      const link = this.verify(token);
      const actor = typeof body?.['actor'] === 'string' ? body['actor'].trim() : '';
      if (actor.length === 0 || actor.length > 200) throw new LinkRefused(400, 'Give your name (1 to 200 characters): the action is recorded with it.');
      const { group, view } = await this.groupOf(link);
      if (!(await this.groups.useLink(link.id, new Date(), new Date(link.expiresAt)))) throw new LinkRefused(409, 'The link has been used already: each link acts once.');
      const { teamId, groupId, incidentId, action, durationMs } = link.claims;
      let result;
      try {
        result = await this.actions.act(teamId, groupId, { action, actor: { name: actor, verified: false }, source: 'link', incidentId, idempotencyKey: link.id, ...(durationMs ? { durationMs } : {}) });
      } catch (error) {
        // Not asked for (refused here, or Kafka or the database unreachable): the link may be used
        // again; a request that did go out is the same request again (same action and silence ids).
        await this.groups.releaseLink(link.id).catch(() => undefined);
        throw error;
      }
      return resultPage(view, action, durationMs, actor, { outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}), groupUrl: `/alert-groups/${encodeURIComponent(group._id)}` });
    });
  }

  private verify(token: string): Verified {
    const check = verifyActionToken(this.keys, token, Date.now());
    if (!check.ok) throw new LinkRefused(...REFUSALS[check.reason]);
    return check;
  }

  private async groupOf(link: Verified): Promise<{ group: AlertGroupRecord; view: ActionLinkGroup }> {
    const { teamId, groupId } = link.claims;
    const group = (await this.teams.existingAmong([teamId])).has(teamId) ? await this.groups.get(teamId, groupId) : null;
    if (!group) throw new LinkRefused(404, 'The alert group is not known (its team was deleted, or the console has not heard of it yet).');
    const firing = await this.alerts.countFiringInGroup(teamId, group.groupKey, new Date());
    return { group, view: { groupLabels: group.groupLabels, firing, incident: group.incident, ended: group.endedAt !== null } };
  }

  private async answer(response: PageResponse, render: () => Promise<string>): Promise<void> {
    let status = 200;
    let html: string;
    try {
      html = await render();
    } catch (error) {
      if (error instanceof LinkRefused) [status, html] = [error.status, errorPage(error.message)];
      else if (error instanceof HttpException) [status, html] = [error.getStatus(), errorPage(error.message)];
      else [status, html] = [503, errorPage('Alertlark could not reach its database or Kafka: try again in a moment.')];
    }
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    response.status(status).send(html);
  }
}
