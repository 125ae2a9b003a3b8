import { Injectable } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { isDailySummary, type DeliveryEvent, type LarkNotification } from '@alertlark/contracts';
import { UnprojectableEventError, alertNoticesOf, cardAttemptOf } from '@alertlark/daily-stats';
import { PermanentEventError } from '@alertlark/kafka';
import { DailyStatsRepository } from '@alertlark/persistence';
import { counter } from '@alertlark/service-kit';

/**
 * Writes one event into the daily-statistics projection: an alert notification's alerts, a
 * delivery's settled attempt. Insert-only rows with ids fixed by the event, so a redelivered
 * event changes nothing; the rebuild command writes the same rows from the same functions.
 */
@Injectable()
export class ProjectStatsEventUseCase {
  private readonly projected: Counter;

  constructor(
    private readonly stats: DailyStatsRepository,
    registry: Registry,
  ) {
    this.projected = counter(registry, 'alertlark_stats_events_projected_total', 'Events the daily-statistics projection took in, by kind (skipped: daily summaries, retrying attempts)', ['kind']);
  }

  async notification(event: LarkNotification): Promise<void> {
    if (isDailySummary(event)) {
      this.projected.inc({ kind: 'daily-summary-skipped' });
      return;
    }
    await this.stats.recordNotices(permanent(() => alertNoticesOf(event)));
    this.projected.inc({ kind: 'notification' });
  }

  async delivery(event: DeliveryEvent): Promise<void> {
    const row = permanent(() => cardAttemptOf(event));
    if (!row) {
      this.projected.inc({ kind: 'delivery-skipped' });
      return;
    }
    await this.stats.recordCards([row]);
    this.projected.inc({ kind: 'delivery' });
  }
}

/** An event that can never be projected goes to the dead-letter topic with the reason. */
function permanent<T>(rows: () => T): T {
  try {
    return rows();
  } catch (error) {
    if (error instanceof UnprojectableEventError) throw new PermanentEventError(error.message);
    throw error;
  }
}
