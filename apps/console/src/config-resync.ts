import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { configEventKey, configEventSchema, type ConfigEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { InhibitionRuleRepository, NotificationObjectRepository, NotificationPolicyRepository, SilenceRepository, TeamRepository } from '@alertlark/persistence';
import { JsonLogger } from '@alertlark/service-kit';
import { configEventOf, publishConfig, type DeleteAnnouncement } from './config-events';
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
  /** A delete failed halfway (its rows were kept): the next pass republishes everything. */
  private fullPassRequested = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** How the controllers' deletes report a half failure (see deleteAnnounced). */
  readonly deleteAnnouncement: DeleteAnnouncement = {
    onLateFailure: (error) => this.logger.event('warn', 'second delete announcement failed; the first went out', { error: String(error) }),
    onRowsKept: () => {
      this.fullPassRequested = true;
    },
  };

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
        .then(({ republished, full }) => {
          if (republished > 0) this.logger.event('info', 'config republished', { republished, full });
        })
        .catch((error: unknown) => this.logger.event('warn', 'config resync failed; retrying at the next pass', { error: String(error) }))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.env.CONSOLE_CONFIG_RESYNC_MS);
          this.timer.unref();
        });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: how many rows it republished, and whether it took all of them. */
  async pass(now = new Date()): Promise<{ republished: number; full: boolean }> {
    const begun = new Date(now.getTime() - CLOCK_MARGIN_MS);
    const since = this.fullPassRequested ? null : this.since;
    this.fullPassRequested = false;
    try {
      const republished = await this.republishChangedSince(since);
      this.since = begun;
      return { republished, full: since === null };
    } catch (error) {
      if (since === null) this.fullPassRequested = true;
      throw error;
    }
  }

  private async republishChangedSince(since: Date | null): Promise<number> {
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
        ifGone: { check: async () => !(await this.objects.exists(object._id)), deleted: { type: 'object.deleted', teamId: object.teamId, objectId: object._id } as const },
      })),
      ...policies.map((policy) => ({
        event: configEventOf.policy(policy),
        ifGone: { check: async () => !(await this.policies.exists(policy._id)), deleted: { type: 'policy.deleted', teamId: policy.teamId, policyId: policy._id } as const },
      })),
      ...silences.map((silence) => ({ event: configEventOf.silence(silence) })),
      ...rules.map((rule) => ({
        event: configEventOf.inhibitionRule(rule),
        ifGone: { check: async () => !(await this.inhibitionRules.exists(rule._id)), deleted: { type: 'inhibition-rule.deleted', teamId: rule.teamId, ruleId: rule._id } as const },
      })),
    ].filter((row) => {
      // One row the contract refuses (an old or hand-edited one) must not stop the others.
      const valid = configEventSchema.safeParse(row.event);
      if (!valid.success) this.logger.event('warn', 'config row not republished: it fails the config contract', { key: configEventKey(row.event), issues: valid.error.issues.slice(0, 3) });
      return valid.success;
    });
    for (let start = 0; start < rows.length; start += EVENTS_PER_PUBLISH) {
      const batch = rows.slice(start, start + EVENTS_PER_PUBLISH);
      await publishConfig(this.publisher, ...batch.map((row) => row.event));
      // A row deleted since it was read may have been announced before this republication landed:
      // announce its delete again, after it (see deleteAnnounced).
      const gone: ConfigEvent[] = [];
      for (const { ifGone } of batch) if (ifGone && (await ifGone.check())) gone.push(ifGone.deleted);
      if (gone.length > 0) await publishConfig(this.publisher, ...gone);
    }
    return rows.length;
  }
}

interface Republished {
  event: ConfigEvent;
  ifGone?: { check: () => Promise<boolean>; deleted: ConfigEvent };
}
