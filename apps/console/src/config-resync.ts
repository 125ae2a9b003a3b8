import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { configEventKey, configEventSchema, type ConfigEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { InhibitionRuleRepository, NotificationObjectRepository, NotificationPolicyRepository, SilenceRepository, TeamRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
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
 * state. After publishing, a pass reads each row again: one changed or deleted meanwhile is
 * announced as it is now, after the republication, so a pass never leaves an older version on the
 * topic (a rotated ingest token would work again) nor brings back what a delete removed.
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
    private readonly secrets: SecretBox,
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
    // Each row's event, and how to read the row again by `_id` and say what it has become since:
    // its current event, or (silences are never deleted) the delete announcing it gone.
    const rows: Republished[] = [
      ...teams.map((team) => ({
        event: configEventOf.team(team),
        now: () => eventNow(this.teams.get(team._id), configEventOf.team, { type: 'team.deleted', teamId: team._id }),
      })),
      ...objects.map((object) => ({
        event: configEventOf.object(object, this.secrets),
        now: () => eventNow(this.objects.byId(object._id), (row) => configEventOf.object(row, this.secrets), { type: 'object.deleted', teamId: object.teamId, objectId: object._id }),
      })),
      ...policies.map((policy) => ({
        event: configEventOf.policy(policy),
        now: () => eventNow(this.policies.byId(policy._id), configEventOf.policy, { type: 'policy.deleted', teamId: policy.teamId, policyId: policy._id }),
      })),
      ...silences.map((silence) => ({
        event: configEventOf.silence(silence),
        now: () => eventNow(this.silences.byId(silence._id), configEventOf.silence, null),
      })),
      ...rules.map((rule) => ({
        event: configEventOf.inhibitionRule(rule),
        now: () => eventNow(this.inhibitionRules.byId(rule._id), configEventOf.inhibitionRule, { type: 'inhibition-rule.deleted', teamId: rule.teamId, ruleId: rule._id }),
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
      // A row changed or deleted since it was read may have been announced before this
      // republication landed: announce what it is now, after it (see deleteAnnounced).
      const changed: ConfigEvent[] = [];
      for (const row of batch) {
        const now = await row.now();
        if (now && JSON.stringify(now) !== JSON.stringify(row.event) && configEventSchema.safeParse(now).success) changed.push(now);
      }
      if (changed.length > 0) await publishConfig(this.publisher, ...changed);
    }
    return rows.length;
  }
}

/** A row read again: its event now, else (it is gone) the delete announcing that. */
async function eventNow<T>(read: Promise<T | null>, toEvent: (row: T) => ConfigEvent, gone: ConfigEvent | null): Promise<ConfigEvent | null> {
  const row = await read;
  return row ? toEvent(row) : gone;
}

interface Republished {
  event: ConfigEvent;
  /** The row read again: its event now, its delete if gone, null if nothing can be said. */
  now: () => Promise<ConfigEvent | null>;
}
