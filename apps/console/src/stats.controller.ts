import { Controller, Get, Inject, NotFoundException, Query, Req, UseGuards } from '@nestjs/common';
import { localDate } from '@alertlark/daily-stats';
import { DailyStatsRepository, NotificationObjectRepository } from '@alertlark/persistence';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { parseDailyStatsQuery, resolveDailyRange } from './stats-daily.query';
import { validationFailed } from './validation';

/**
 * Daily statistics per chatbot, read from the projection the stats service keeps (same database;
 * definitions in apps/stats/README.md). Days are local to the chatbot's `dailyStats.timezone`,
 * else ALERTLARK_DEFAULT_TIMEZONE; counts are as of the request.
 */
@Controller('api/v1/stats')
@UseGuards(TeamGuard)
export class StatsController {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly stats: DailyStatsRepository,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  @Get('daily')
  async daily(@Req() request: ConsoleRequest, @Query() rawQuery: unknown) {
    const parsed = parseDailyStatsQuery(rawQuery);
    if (!parsed.ok) throw validationFailed(parsed.issues);
    const teamId = request.team!._id;
    const { objectId } = parsed.value;
    const object = await this.objects.get(teamId, objectId);
    if (!object) throw new NotFoundException({ error: 'not_found', message: `notification object ${objectId} not found` });
    const timezone = object.dailyStats?.timezone ?? this.env.ALERTLARK_DEFAULT_TIMEZONE;
    const asOf = new Date();
    const range = resolveDailyRange(parsed.value, localDate(asOf, timezone));
    if (!range.ok) throw validationFailed(range.issues);
    const days = await this.stats.countsForRange(teamId, objectId, range.value.from, range.value.to, timezone, asOf);
    return { objectId, timezone, days };
  }
}
