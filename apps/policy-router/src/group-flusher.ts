import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { AlertGroupRepository } from '@alertlark/persistence';
import { GroupTimers } from './group-timers';
import { JsonLogger, counter } from '@alertlark/service-kit';
import { FlushGroupUseCase } from './flush-group.usecase';
import { GroupLocks } from './group-locks';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';

const FLUSH_CONCURRENCY = 8;
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
    private readonly timers: GroupTimers,
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
    const due = this.timers.due(Date.now());
    // A few groups at a time: each flush waits on MongoDB and Kafka, not on this CPU.
    for (let start = 0; start < due.length && !this.stopped; start += FLUSH_CONCURRENCY) {
      await Promise.all(
        due.slice(start, start + FLUSH_CONCURRENCY).map(({ groupKey, partition }) =>
          this.timers.owns(partition) ? this.locks.run(groupKey, () => this.flushOne(groupKey, partition)) : undefined,
        ),
      );
    }
  }

  private async flushOne(groupKey: string, partition: number): Promise<void> {
    try {
      const result = await this.flushGroup.execute(groupKey, Date.now());
      this.timers.set(groupKey, partition, result.flushAt);
      this.flushes.inc({ outcome: result.outcome });
    } catch (error) {
      this.flushes.inc({ outcome: 'failed' });
      this.logger.event('error', 'group flush failed; retrying later', { groupKey, error: String(error) });
      const retryAt = Date.now() + RETRY_AFTER_MS;
      this.timers.set(groupKey, partition, retryAt);
      await this.groups.postpone(groupKey, retryAt).catch(() => undefined);
    }
  }
}
