import type { ConfigEvent, InhibitionRuleConfig, NotificationObjectConfig, NotificationPolicyConfig, SilenceConfig, TeamConfig } from '@alertlark/contracts';

/**
 * How many deleted teams, and deleted chatbots, the view remembers (the newest). Their use is
 * short-lived: the router purges a deleted team at the next configuration change, and a chatbot's
 * late notifications arrive within seconds; one forgotten waits for its chatbot until the
 * sender's delivery deadline instead of failing at once.
 */
export const DELETED_IDS_KEPT = 10_000;

/** Ended silences are dropped at most this often (a scan of all silences), when silences are applied or read. */
export const ENDED_SILENCES_PRUNE_MS = 60_000;

/**
 * The latest configuration, folded from `alertlark.config.v1`. Every service that needs teams,
 * chatbots or policies holds one in memory instead of reading the console's database.
 */
export class ConfigView {
  private readonly teams = new Map<string, TeamConfig>();
  private readonly teamIdByIngestHash = new Map<string, string>();
  private readonly objects = new Map<string, NotificationObjectConfig>();
  private readonly policies = new Map<string, NotificationPolicyConfig>();
  private readonly silences = new Map<string, SilenceConfig>();
  private readonly inhibitionRules = new Map<string, InhibitionRuleConfig>();
  /** Deleted chatbots, so a late notification for one fails at once instead of waiting for it. */
  private readonly deletedObjectIds = new Set<string>();
  /** Deleted teams, so the router can forget their alerts and groups. */
  private readonly deletedTeamIds = new Set<string>();
  private revision = 0;
  private silencesPrunedAt = Number.NEGATIVE_INFINITY;

  /** `clock`: when silences end, for dropping those that have. */
  constructor(private readonly clock: () => number = Date.now) {}

  apply(event: ConfigEvent): void {
    this.revision++;
    switch (event.type) {
      case 'team.upserted': {
        const previous = this.teams.get(event.team.id);
        if (previous) this.teamIdByIngestHash.delete(previous.ingestTokenHash);
        this.teams.set(event.team.id, event.team);
        this.teamIdByIngestHash.set(event.team.ingestTokenHash, event.team.id);
        this.deletedTeamIds.delete(event.team.id);
        return;
      }
      case 'team.deleted': {
        const previous = this.teams.get(event.teamId);
        if (previous) this.teamIdByIngestHash.delete(previous.ingestTokenHash);
        this.teams.delete(event.teamId);
        remember(this.deletedTeamIds, event.teamId);
        for (const [id, object] of this.objects) {
          if (object.teamId !== event.teamId) continue;
          this.objects.delete(id);
          remember(this.deletedObjectIds, id);
        }
        for (const [id, policy] of this.policies) if (policy.teamId === event.teamId) this.policies.delete(id);
        for (const [id, silence] of this.silences) if (silence.teamId === event.teamId) this.silences.delete(id);
        for (const [id, rule] of this.inhibitionRules) if (rule.teamId === event.teamId) this.inhibitionRules.delete(id);
        return;
      }
      case 'object.upserted':
        this.objects.set(event.object.id, event.object);
        this.deletedObjectIds.delete(event.object.id);
        return;
      case 'object.deleted':
        this.objects.delete(event.objectId);
        remember(this.deletedObjectIds, event.objectId);
        return;
      case 'policy.upserted':
        this.policies.set(event.policy.id, event.policy);
        return;
      case 'policy.deleted':
        this.policies.delete(event.policyId);
        return;
      case 'silence.upserted':
        this.silences.set(event.silence.id, event.silence);
        this.pruneEndedSilences();
        return;
      case 'inhibition-rule.upserted':
        this.inhibitionRules.set(event.rule.id, event.rule);
        return;
      case 'inhibition-rule.deleted':
        this.inhibitionRules.delete(event.ruleId);
        return;
    }
  }

  /** Grows on every applied event; consumers cache derived data (compiled matchers) against it. */
  getRevision(): number {
    return this.revision;
  }

  teamByIngestTokenHash(hash: string): TeamConfig | undefined {
    const teamId = this.teamIdByIngestHash.get(hash);
    return teamId === undefined ? undefined : this.teams.get(teamId);
  }

  notificationObject(teamId: string, objectId: string): NotificationObjectConfig | undefined {
    const object = this.objects.get(objectId);
    return object?.teamId === teamId ? object : undefined;
  }

  /** Chatbots that post daily statistics: enabled, with at least one time. */
  objectsWithDailyStats(): NotificationObjectConfig[] {
    return [...this.objects.values()].filter((object) => object.dailyStats?.enabled && object.dailyStats.times.length > 0);
  }

  isDeletedTeam(teamId: string): boolean {
    return this.deletedTeamIds.has(teamId);
  }

  isDeletedObject(objectId: string): boolean {
    return this.deletedObjectIds.has(objectId);
  }

  policiesOf(teamId: string): NotificationPolicyConfig[] {
    return [...this.policies.values()].filter((policy) => policy.teamId === teamId);
  }

  /**
   * Silences are never deleted, only ended: an ended one mutes nothing again unless a later event
   * extends it, which puts it back. So the view drops ended silences, at most every
   * ENDED_SILENCES_PRUNE_MS; it holds those that have not ended and those that ended since.
   */
  private pruneEndedSilences(): void {
    const now = this.clock();
    if (now - this.silencesPrunedAt < ENDED_SILENCES_PRUNE_MS) return;
    this.silencesPrunedAt = now;
    for (const [id, silence] of this.silences) if (Date.parse(silence.endsAt) <= now) this.silences.delete(id);
  }

  /** The team's silences; some may have ended lately (the router checks their times). */
  silencesOf(teamId: string): SilenceConfig[] {
    // Also here: after a replay at start, no silence event may come for a long while.
    this.pruneEndedSilences();
    return [...this.silences.values()].filter((silence) => silence.teamId === teamId);
  }

  inhibitionRulesOf(teamId: string): InhibitionRuleConfig[] {
    return [...this.inhibitionRules.values()].filter((rule) => rule.teamId === teamId);
  }

  /** Whether the entry under a config key (`team/<id>`, `object/<id>`, `policy/<id>`) is known. */
  has(key: string): boolean {
    const [kind, id] = key.split('/', 2);
    if (!id) return false;
    if (kind === 'team') return this.teams.has(id);
    if (kind === 'object') return this.objects.has(id);
    if (kind === 'policy') return this.policies.has(id);
    if (kind === 'silence') return this.silences.has(id);
    if (kind === 'inhibition-rule') return this.inhibitionRules.has(id);
    return false;
  }

  counts(): { teams: number; objects: number; policies: number } {
    return { teams: this.teams.size, objects: this.objects.size, policies: this.policies.size };
  }
}

/** Adds a deleted id as the newest, forgetting the oldest beyond DELETED_IDS_KEPT (a Set keeps insertion order). */
function remember(ids: Set<string>, id: string): void {
  ids.delete(id);
  ids.add(id);
  if (ids.size > DELETED_IDS_KEPT) ids.delete(ids.values().next().value!);
}
