import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { InhibitionRuleRepository, NotificationObjectRepository, NotificationPolicyRepository, SilenceRepository, TeamRepository } from '@alertlark/persistence';
import { JsonLogger } from '@alertlark/service-kit';
import { configEventOf, publishConfig } from './config-events';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';

/** Rows written by another console replica carry its clock: look back this much further. */
const CLOCK_MARGIN_MS = 60_000;
const EVENTS_PER_PUBLISH = 500;

/**
 * Puts the config topic right after a write whose publication failed (the caller got a 503, but
 * the row was saved). The first pass, at start-up, republishes every row; each later pass, every
 * `CONSOLE_CONFIG_RESYNC_MS`, the rows changed since the previous pass began. A row changed while
 * a pass runs is therefore republished by the next one, so the topic ends with the row's latest
 * state. Republishing is harmless: the topic is compacted and every service applies upserts
 * idempotently.
 */
@Injectable()
export class ConfigResync implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Rows changed from here on are due; null until a pass has succeeded (everything is due). */
  private since: Date | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly teams: TeamRepository,
    private readonly objects: NotificationObjectRepository,
    private readonly policies: NotificationPolicyRepository,
    private readonly silences: SilenceRepository,
    private readonly inhibitionRules: InhibitionRuleRepository,
    private readonly publisher: EventPublisher,
    private readonly logger: JsonLogger,
    @Inject(CONSOLE_ENV) private readonly env: Pick<ConsoleEnv, 'CONSOLE_CONFIG_RESYNC_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.CONSOLE_CONFIG_RESYNC_MS === 0) return;
    const tick = () => {
      this.running = this.pass()
        .then((republished) => {
          if (republished > 0) this.logger.event('info', 'config republished', { republished, full: this.since === null });
        })
        .catch((error: unknown) => this.logger.event('warn', 'config resync failed; retrying at the next pass', { error: String(error) }))
        .finally(() => {
          this.timer = setTimeout(tick, this.env.CONSOLE_CONFIG_RESYNC_MS);
          this.timer.unref();
        });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; answers how many rows it republished. */
  async pass(now = new Date()): Promise<number> {
    const begun = new Date(now.getTime() - CLOCK_MARGIN_MS);
    const since = this.since;
    const [teams, objects, policies, silences, rules] = await Promise.all([
      this.teams.changedSince(since),
      this.objects.changedSince(since),
      this.policies.changedSince(since),
      this.silences.changedSince(since),
      this.inhibitionRules.changedSince(since),
    ]);
    const events: ConfigEvent[] = [
      ...teams.map(configEventOf.team),
      ...objects.map(configEventOf.object),
      ...policies.map(configEventOf.policy),
      ...silences.map(configEventOf.silence),
      ...rules.map(configEventOf.inhibitionRule),
    ];
    for (let start = 0; start < events.length; start += EVENTS_PER_PUBLISH) {
      await publishConfig(this.publisher, ...events.slice(start, start + EVENTS_PER_PUBLISH));
    }
    this.since = begun;
    return events.length;
  }
}
