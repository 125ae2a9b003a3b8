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
 * state. A row deleted between being read and being republished is announced deleted again after
 * its republication, so a pass never brings back what a delete removed (see deleteAnnounced).
 * Republishing is harmless: the topic is compacted and every service applies upserts idempotently.
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
    // Each row and, if it can be deleted (silences expire instead), how to tell it has gone since.
    const rows: Republished[] = [
      ...teams.map((team) => ({
        event: configEventOf.team(team),
        ifGone: { check: async () => !(await this.teams.get(team._id)), deleted: { type: 'team.deleted', teamId: team._id } as const },
      })),
      ...objects.map((object) => ({
        event: configEventOf.object(object),
        ifGone: { check: async () => !(await this.objects.get(object.teamId, object._id)), deleted: { type: 'object.deleted', teamId: object.teamId, objectId: object._id } as const },
      })),
      ...policies.map((policy) => ({
        event: configEventOf.policy(policy),
        ifGone: { check: async () => !(await this.policies.get(policy.teamId, policy._id)), deleted: { type: 'policy.deleted', teamId: policy.teamId, policyId: policy._id } as const },
      })),
      ...silences.map((silence) => ({ event: configEventOf.silence(silence) })),
      ...rules.map((rule) => ({
        event: configEventOf.inhibitionRule(rule),
        ifGone: { check: async () => !(await this.inhibitionRules.get(rule.teamId, rule._id)), deleted: { type: 'inhibition-rule.deleted', teamId: rule.teamId, ruleId: rule._id } as const },
      })),
    ];
    for (let start = 0; start < rows.length; start += EVENTS_PER_PUBLISH) {
      const batch = rows.slice(start, start + EVENTS_PER_PUBLISH);
      await publishConfig(this.publisher, ...batch.map((row) => row.event));
      // A row deleted since it was read may have been announced before this republication landed:
      // announce its delete again, after it (see deleteAnnounced).
      const gone: ConfigEvent[] = [];
      for (const { ifGone } of batch) if (ifGone && (await ifGone.check())) gone.push(ifGone.deleted);
      if (gone.length > 0) await publishConfig(this.publisher, ...gone);
    }
    this.since = begun;
    return rows.length;
  }
}

interface Republished {
  event: ConfigEvent;
  ifGone?: { check: () => Promise<boolean>; deleted: ConfigEvent };
}
