import { Controller, Get, NotFoundException, Param, Query, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AlertStateRepository } from '@alertlark/persistence';
import { ZodPipe } from '@alertlark/service-kit';
import { alertHistoryView, alertView } from './alert-view';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { pageQuerySchema } from './page-query';

export const alertListQuerySchema = pageQuerySchema.extend({
  state: z.enum(['firing', 'resolved']).optional(),
  /** A group key: that group's alerts only. */
  group: z.string().min(1).max(4096).optional(),
});
type AlertListQuery = z.output<typeof alertListQuerySchema>;

/** Enough to read what happened to one alert; older entries stay in the database. */
const HISTORY_LIMIT = 200;

/** Read-only: the policy-router writes alert states and their history. */
@Controller('api/v1/alerts')
@UseGuards(TeamGuard)
export class AlertsController {
  constructor(private readonly alerts: AlertStateRepository) {}

  @Get()
  async list(@Req() request: ConsoleRequest, @Query(new ZodPipe(alertListQuerySchema)) query: AlertListQuery) {
    const teamId = request.team!._id;
    const now = new Date();
    const { group, ...page } = query;
    const [states, total] = await Promise.all([
      this.alerts.list(teamId, { ...page, ...(group !== undefined ? { groupKey: group } : {}), now }),
      this.alerts.count(teamId, query.state, now, group),
    ]);
    return { items: states.map((state) => alertView(state, now)), total, limit: query.limit, offset: query.offset };
  }

  @Get(':fingerprint')
  async get(@Req() request: ConsoleRequest, @Param('fingerprint') fingerprint: string) {
    const teamId = request.team!._id;
    const [state, history] = await Promise.all([this.alerts.get(teamId, fingerprint), this.alerts.historyOf(teamId, fingerprint, HISTORY_LIMIT)]);
    if (!state) throw new NotFoundException({ error: 'not_found', message: `alert ${fingerprint} not found` });
    return { ...alertView(state, new Date()), history: history.map(alertHistoryView) };
  }
}
