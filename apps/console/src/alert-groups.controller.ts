import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { z } from 'zod';
import { alertGroupActionBodySchema, alertGroupStateSchema, type ActionResultView, type AlertGroupActionBody, type AlertGroupActionView, type AlertGroupView } from '@alertlark/contracts';
import { AlertGroupRepository, AlertStateRepository, type AlertGroupActionRecord, type AlertGroupRecord } from '@alertlark/persistence';
import { parseDuration } from '@alertlark/routing';
import { ZodPipe } from '@alertlark/service-kit';
import { AlertGroupActionsUseCase, type ActionResult } from './alert-group-actions.usecase';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { pageQuerySchema } from './page-query';

export const alertGroupListQuerySchema = pageQuerySchema.extend({ state: alertGroupStateSchema.optional() });
type AlertGroupListQuery = z.output<typeof alertGroupListQuerySchema>;

/** Express' response, as far as setting the status goes (no @types/express in the workspace). */
interface StatusResponse {
  status(code: number): unknown;
}

export function alertGroupView(group: AlertGroupRecord): AlertGroupView {
  return {
    id: group._id,
    policyId: group.policyId,
    groupLabels: group.groupLabels,
    state: group.endedAt ? 'ended' : (group.incident?.state ?? 'quiet'),
    incident: group.incident,
    handler: group.incident?.claimedBy ?? null,
    silenceId: group.incident?.silence?.id ?? null,
    updatedAt: group.updatedAt.toISOString(),
    endedAt: group.endedAt?.toISOString() ?? null,
  };
}

export function actionView(action: AlertGroupActionRecord): AlertGroupActionView {
  return {
    id: action._id,
    type: action.action,
    actor: action.actor,
    source: action.source,
    requestedAt: action.requestedAt.toISOString(),
    outcome: action.outcome ?? 'pending',
    ...(action.reason ? { reason: action.reason } : {}),
    ...(action.decidedAt ? { decidedAt: action.decidedAt.toISOString() } : {}),
    ...(action.silenceId ? { silenceId: action.silenceId } : {}),
  };
}

export function actionResultView(result: ActionResult): ActionResultView {
  return {
    actionId: result.actionId,
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.incident !== undefined ? { incident: result.incident } : {}),
    ...(result.silenceId ? { silenceId: result.silenceId } : {}),
  };
}

/** Alert groups and their incidents: who handles them, and acting on them as from the chat. */
@Controller('api/v1/alert-groups')
@UseGuards(TeamGuard)
export class AlertGroupsController {
  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly alerts: AlertStateRepository,
    private readonly actions: AlertGroupActionsUseCase,
  ) {}

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(alertGroupListQuerySchema)) query: AlertGroupListQuery) {
    const records = await this.groups.list(request.team!._id, query);
    return { items: records.map(alertGroupView), limit: query.limit, offset: query.offset };
  }

  /** The group, its firing count, and its action log, oldest first. */
  @Get(':id')
  async get(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const teamId = request.team!._id;
    const group = await this.actions.group(teamId, id);
    const [firing, log] = await Promise.all([this.alerts.countFiringInGroup(teamId, group.groupKey, new Date()), this.groups.actionsOf(teamId, id)]);
    return { ...alertGroupView(group), firing, actions: log.map(actionView) };
  }

  /**
   * 200 with the router's decision (`applied`, or `refused` with the reason); 202 when it has not
   * decided within CONSOLE_ACTION_WAIT_MS (the action log will show the decision).
   */
  @Post(':id/actions')
  @HttpCode(200)
  async act(
    @Req() request: ConsoleRequest,
    @Param('id') id: string,
    @Body(new ZodPipe(alertGroupActionBodySchema)) body: AlertGroupActionBody,
    @Res({ passthrough: true }) response: StatusResponse,
  ) {
    const result = await this.actions.act(request.team!._id, id, {
      action: body.type,
      // The team's token says which team, not which person: the name is as typed.
      actor: { name: body.actor, verified: false },
      source: 'console',
      ...(body.duration ? { durationMs: parseDuration(body.duration) } : {}),
      ...(body.comment ? { comment: body.comment } : {}),
    });
    if (result.outcome === 'pending') response.status(202);
    return actionResultView(result);
  }
}
