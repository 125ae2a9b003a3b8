import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, notificationKey, type DailySummaryEvent } from '@alertlark/contracts';
import { ConfigFeed, EventPublisher } from '@alertlark/kafka';
import { DailyStatsRepository, SummaryPostRepository } from '@alertlark/persistence';
import { JsonLogger, counter } from '@alertlark/service-kit';
import { STATS_ENV, type StatsEnv } from './stats.env';
import { dueSummarySlots, keepDueSlots, type SummarySchedule, type SummarySlot } from './summary-schedule';

/**
 * Posts each chatbot's daily summary at each configured time, through lark-sender. Exactly one
 * card per (chatbot, date, time) however many stats processes run and restart: the summary's
 * notification id is fixed by those three, so lark-sender's ledger posts it once, and a record of
 * what was handed over keeps processes from publishing it again. A slot missed while every stats
 * process was down is posted on recovery within the grace window, marked late.
 */
@Injectable()
export class DailySummaryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Slots known to be handed over and still due: saves a lookup per slot per tick during the grace window. */
  private readonly posted = new Set<string>();
  private readonly published: Counter;

  constructor(
    private readonly config: ConfigFeed,
    private readonly publisher: EventPublisher,
    private readonly stats: DailyStatsRepository,
    private readonly posts: SummaryPostRepository,
    private readonly logger: JsonLogger,
    @Inject(STATS_ENV) private readonly env: StatsEnv,
    registry: Registry,
  ) {
    this.published = counter(registry, 'alertlark_stats_summaries_published_total', 'Daily summaries handed to lark-sender', ['late']);
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.postDue(Date.now()).finally(() => this.schedule());
    }, this.env.STATS_SCHEDULE_POLL_MS);
  }

  /** Publishes every due summary not handed over yet; one failing does not hold up the others. */
  async postDue(now: number): Promise<void> {
    if (!this.config.isCaughtUp()) return;
    const schedules: SummarySchedule[] = this.config.view.objectsWithDailyStats().map((object) => ({
      teamId: object.teamId,
      objectId: object.id,
      times: object.dailyStats!.times,
      timezone: object.dailyStats!.timezone ?? this.env.ALERTLARK_DEFAULT_TIMEZONE,
    }));
    const slots = dueSummarySlots(schedules, now, {
      graceMs: this.env.STATS_SUMMARY_GRACE_MS,
      lateAfterMs: this.env.STATS_SUMMARY_LATE_AFTER_MS,
      minSpreadMs: this.env.STATS_SUMMARY_MIN_SPREAD_MS,
      spreadMs: this.env.STATS_SUMMARY_SPREAD_MS,
    });
    keepDueSlots(this.posted, slots);
    for (const slot of slots) {
      if (this.stopped) return;
      if (this.posted.has(slot.notificationId)) continue;
      try {
        await this.post(slot);
      } catch (error) {
        this.logger.event('error', 'daily summary not posted yet; retrying', { notificationId: slot.notificationId, error: String(error) });
      }
    }
  }

  private async post(slot: SummarySlot): Promise<void> {
    if (await this.posts.isPosted(slot.notificationId)) {
      this.posted.add(slot.notificationId);
      return;
    }
    const now = new Date();
    const counts = await this.stats.countsFor(slot.teamId, slot.objectId, slot.date, slot.timezone, now);
    const summary: DailySummaryEvent = {
      kind: 'daily-summary',
      notificationId: slot.notificationId,
      teamId: slot.teamId,
      objectId: slot.objectId,
      time: slot.time,
      late: slot.late,
      counts,
      createdAt: now.toISOString(),
    };
    // Keyed like the chatbot's alert notifications: its webhook's one budget covers its summaries too.
    const key = notificationKey(slot.objectId, this.config.view.notificationObject(slot.teamId, slot.objectId));
    await this.publisher.publish(EVENTS.notifications, [{ key, value: summary }]);
    await this.posts.record({ _id: slot.notificationId, objectId: slot.objectId, late: slot.late, postedAt: now });
    this.posted.add(slot.notificationId);
    this.published.inc({ late: String(slot.late) });
    this.logger.event('info', 'daily summary published', { notificationId: slot.notificationId, late: slot.late, total: counts.total });
  }
}
