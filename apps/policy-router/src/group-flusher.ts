import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { AlertGroupRepository } from '@alertlark/persistence';
import { JsonLogger, counter } from '@alertlark/service-kit';
import { FlushGroupUseCase } from './flush-group.usecase';
import { GroupLocks } from './group-locks';
import { GroupedAlertsConsumer } from './grouped-alerts.consumer';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';

const DUE_BATCH = 100;
/** A group whose flush failed is tried again after this long, without holding up the others. */
const RETRY_AFTER_MS = 5_000;

/**
 * Fires the durable group timers of the partitions this replica owns. Timers live in MongoDB, so
 * a restarted replica, or one that took over a partition, flushes whatever fell due meanwhile.
 */
@Injectable()
export class GroupFlusher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly flushes: Counter;

  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly flushGroup: FlushGroupUseCase,
    private readonly consumer: GroupedAlertsConsumer,
    private readonly locks: GroupLocks,
    private readonly logger: JsonLogger,
    @Inject(POLICY_ROUTER_ENV) private readonly env: PolicyRouterEnv,
    registry: Registry,
  ) {
    this.flushes = counter(registry, 'alertlark_router_group_flushes_total', 'Group flushes, by outcome', ['outcome']);
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
      this.running = this.flushDue().finally(() => this.schedule());
    }, this.env.POLICY_ROUTER_FLUSH_POLL_MS);
  }

  private async flushDue(): Promise<void> {
    try {
      for (;;) {
        const partitions = [...this.consumer.ownedPartitions()];
        const due = await this.groups.due(partitions, Date.now(), DUE_BATCH);
        for (const group of due) {
          if (this.stopped || !this.consumer.ownedPartitions().has(group.partition)) return;
          await this.locks.run(group._id, () => this.flushOne(group._id));
        }
        if (due.length < DUE_BATCH) return;
      }
    } catch (error) {
      // The timers stay in MongoDB; the next round tries again.
      this.logger.event('error', 'looking for due groups failed; retrying', { error: String(error) });
    }
  }

  private async flushOne(groupKey: string): Promise<void> {
    try {
      this.flushes.inc({ outcome: await this.flushGroup.execute(groupKey, Date.now()) });
    } catch (error) {
      this.flushes.inc({ outcome: 'failed' });
      this.logger.event('error', 'group flush failed; retrying later', { groupKey, error: String(error) });
      await this.groups.postpone(groupKey, Date.now() + RETRY_AFTER_MS).catch(() => undefined);
    }
  }
}
