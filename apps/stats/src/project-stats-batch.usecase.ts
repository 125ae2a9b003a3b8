import { Injectable } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, isDailySummary, type DeliveryEvent, type LarkNotification } from '@alertlark/contracts';
import { UnprojectableEventError, alertNoticesOf, cardAttemptOf, type AlertNotice, type CardAttempt } from '@alertlark/daily-stats';
import type { ConsumedBatch } from '@alertlark/kafka';
import { DailyStatsRepository } from '@alertlark/persistence';
import { counter } from '@alertlark/service-kit';

/** The topics the daily-statistics projection is built from: the live consumer's and the rebuild's. */
export const STATS_SOURCES = [EVENTS.notifications, EVENTS.deliveries] as const;
export type StatsSource = (typeof STATS_SOURCES)[number];

/** What one batch came to. */
export interface ProjectedFigures {
  /** Events that added rows (or would have: rows already there are skipped). */
  projected: number;
  /** Daily summaries, retrying attempts and daily summaries' attempts: not counted. */
  skipped: number;
  /** Events whose timestamp is no time: dead-lettered with the reason. */
  rejected: number;
}

/**
 * The projection's one handler, for the live consumer and `npm run stats:rebuild` alike: a batch
 * of one partition becomes rows (`alertNoticesOf`, `cardAttemptOf`), written with one insert per
 * collection. The rows are insert-only with ids fixed by the events, so a batch handled again (a
 * retry, a redelivery, a replay) changes nothing, and a replay of the topics gives the same rows.
 */
/** How many notice ids the live projection remembers having written (a few MB). */
const RECENT_NOTICES = 200_000;

@Injectable()
export class ProjectStatsBatchUseCase {
  private readonly projected: Counter;
  /**
   * Notice ids written lately, oldest first. A growing group is notified every group interval with
   * all its alerts, and its notices keep their ids for a slot of time (`alertNoticesOf`): without
   * this, each repeat would be an insert attempt, thousands a second in a storm.
   */
  private readonly written = new Set<string>();

  constructor(
    private readonly stats: DailyStatsRepository,
    registry: Registry,
  ) {
    this.projected = counter(registry, 'alertlark_stats_events_projected_total', 'Events the daily-statistics projection took in, by kind (skipped: daily summaries, retrying attempts)', ['kind']);
  }

  async execute(batch: ConsumedBatch<LarkNotification | DeliveryEvent>): Promise<ProjectedFigures> {
    const figures: ProjectedFigures = { projected: 0, skipped: 0, rejected: 0 };
    const notices: AlertNotice[] = [];
    const cards: CardAttempt[] = [];
    const notifications = batch.topic === EVENTS.notifications.topic;
    for (const event of batch.events) {
      try {
        if (notifications) {
          const notification = event.value as LarkNotification;
          if (isDailySummary(notification)) {
            figures.skipped++;
            continue;
          }
          notices.push(...alertNoticesOf(notification));
        } else {
          const card = cardAttemptOf(event.value as DeliveryEvent);
          if (!card) {
            figures.skipped++;
            continue;
          }
          cards.push(card);
        }
        figures.projected++;
      } catch (error) {
        if (!(error instanceof UnprojectableEventError)) throw error;
        batch.deadLetter(event, error.message);
        figures.rejected++;
      }
    }
    const fresh = [...new Map(notices.filter((notice) => !this.written.has(notice._id)).map((notice) => [notice._id, notice])).values()];
    await this.stats.recordNotices(fresh);
    for (const notice of fresh) this.written.add(notice._id);
    for (const id of this.written) {
      if (this.written.size <= RECENT_NOTICES) break;
      this.written.delete(id);
    }
    await this.stats.recordCards(cards);
    this.projected.inc({ kind: notifications ? 'notification' : 'delivery' }, figures.projected);
    this.projected.inc({ kind: notifications ? 'daily-summary-skipped' : 'delivery-skipped' }, figures.skipped);
    return figures;
  }
}
