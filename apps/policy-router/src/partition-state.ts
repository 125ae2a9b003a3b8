import {
  alertGroupId,
  parseRouterStateKey,
  routerStateKey,
  type AlertHistoryEvent,
  type GroupMember,
  type RoutedAlert,
  type RoutedGroup,
  type RouterStateRecord,
} from '@alertlark/contracts';
import { sharedInternPool, type InternPool } from './intern-pool';

export interface ChangelogRecord {
  key: string;
  /** Null: a tombstone, the key is gone. */
  value: RouterStateRecord | null;
}

/** The literal, not the decoded copy. */
const statusOf = (status: RoutedAlert['status']): RoutedAlert['status'] => (status === 'firing' ? 'firing' : 'resolved');

/** Splits a changelog key's `team/fingerprint` (the fingerprint has a fixed length); null if it does not fit. */
function teamAndFingerprint(alertId: string): [teamId: string, fingerprint: string] | null {
  const slash = alertId.length - 17;
  return slash > 0 && alertId[slash] === '/' ? [alertId.slice(0, slash), alertId.slice(slash + 1)] : null;
}

/** What a group not full counts beyond its members: shared, as applying an alert asks for it. */
const NONE_BEYOND_CAP: ReadonlySet<string> = new Set();

/** POLICY_ROUTER_MAX_GROUP_MEMBERS's default. */
export const DEFAULT_MAX_GROUP_MEMBERS = 10_000;

/**
 * Everything policy-router knows of one partition of the alerts topic (the teams on it): their
 * alerts, groups and group members, in memory. Every change is remembered as the latest record
 * per changelog key until `takeChanges`, so a batch writes each changed key once, whatever the
 * size of the group it belongs to.
 */
export class PartitionState {
  /** By team, then fingerprint: no `team/fingerprint` string per alert, nor a second index by team. */
  private readonly alerts = new Map<string, Map<string, RoutedAlert>>();
  private readonly groups = new Map<string, RoutedGroup>();
  /** Group keys by public group id (`alertGroupId`), for actions, which name a group by its id. */
  private readonly groupKeysById = new Map<string, string>();
  private readonly members = new Map<string, Map<string, GroupMember>>();
  /**
   * Fingerprints each full group counts without a member record, by group key: derived from the
   * alert records' `beyondCap`, the one durable place of the fact, so a restore rebuilds it.
   */
  private readonly beyond = new Map<string, Set<string>>();
  private readonly changes = new Map<string, RouterStateRecord | null>();
  private history: AlertHistoryEvent[] = [];
  private readonly teamVersions = new Map<string, number>();

  constructor(
    readonly partition: number,
    /** A group holds at most this many member records; alerts past it are counted (`beyondCap`). */
    readonly maxGroupMembers: number = DEFAULT_MAX_GROUP_MEMBERS,
    private readonly pool: InternPool = sharedInternPool,
  ) {}

  alert(teamId: string, fingerprint: string): RoutedAlert | undefined {
    return this.alerts.get(teamId)?.get(fingerprint);
  }

  *alertsOfTeam(teamId: string): Iterable<RoutedAlert> {
    yield* this.alerts.get(teamId)?.values() ?? [];
  }

  /** Changes whenever one of the team's alerts changes: derived indexes are cached against it. */
  teamVersion(teamId: string): number {
    return this.teamVersions.get(teamId) ?? 0;
  }

  teamIds(): Iterable<string> {
    return this.alerts.keys();
  }

  group(groupKey: string): RoutedGroup | undefined {
    return this.groups.get(groupKey);
  }

  groupById(groupId: string): RoutedGroup | undefined {
    const groupKey = this.groupKeysById.get(groupId);
    return groupKey === undefined ? undefined : this.groups.get(groupKey);
  }

  allGroups(): Iterable<RoutedGroup> {
    return this.groups.values();
  }

  membersOf(groupKey: string): ReadonlyMap<string, GroupMember> {
    return this.members.get(groupKey) ?? new Map();
  }

  /** The alerts a full group counts without member records. */
  beyondCapOf(groupKey: string): ReadonlySet<string> {
    return this.beyond.get(groupKey) ?? NONE_BEYOND_CAP;
  }

  /** Counts the alert in a full group without a member record. */
  joinBeyondCap(alert: RoutedAlert, groupKey: string): void {
    this.putAlert({ ...alert, beyondCap: [...(alert.beyondCap ?? []), groupKey] });
  }

  /** The alert is no longer counted beyond the group's members: it became a member, or was released. */
  leaveBeyondCap(alert: RoutedAlert, groupKey: string): void {
    const { beyondCap, ...rest } = alert;
    const kept = beyondCap?.filter((key) => key !== groupKey) ?? [];
    this.putAlert(kept.length > 0 ? { ...rest, beyondCap: kept } : rest);
  }

  counts(): { alerts: number; groups: number; members: number } {
    let members = 0;
    for (const inGroup of this.members.values()) members += inGroup.size;
    let alerts = 0;
    for (const ofTeam of this.alerts.values()) alerts += ofTeam.size;
    return { alerts, groups: this.groups.size, members };
  }

  putAlert(alert: RoutedAlert): void {
    const held = this.setAlert(alert);
    this.changes.set(routerStateKey.alert(held.teamId, held.fingerprint), held);
  }

  removeAlert(teamId: string, fingerprint: string): void {
    this.deleteAlert(teamId, fingerprint);
    this.changes.set(routerStateKey.alert(teamId, fingerprint), null);
  }

  putGroup(group: RoutedGroup): void {
    this.setGroup(group);
    this.changes.set(routerStateKey.group(group.groupKey), group);
  }

  /** A new timer that the changelog need not hear of (a quiet tick): memory only. */
  moveTimer(group: RoutedGroup): void {
    this.groups.set(group.groupKey, group);
  }

  /** Drops a group with all its members, and the alerts it counted beyond them. */
  removeGroup(groupKey: string): void {
    for (const fingerprint of this.membersOf(groupKey).keys()) this.changes.set(routerStateKey.member(groupKey, fingerprint), null);
    this.members.delete(groupKey);
    const group = this.groups.get(groupKey);
    for (const fingerprint of [...this.beyondCapOf(groupKey)]) {
      const alert = group && this.alert(group.teamId, fingerprint);
      if (alert) this.leaveBeyondCap(alert, groupKey);
    }
    this.beyond.delete(groupKey);
    this.deleteGroup(groupKey);
    this.changes.set(routerStateKey.group(groupKey), null);
  }

  putMember(member: GroupMember): void {
    const held = this.setMember(member);
    this.changes.set(routerStateKey.member(held.groupKey, held.fingerprint), held);
  }

  removeMember(groupKey: string, fingerprint: string): void {
    const inGroup = this.members.get(groupKey);
    if (!inGroup?.delete(fingerprint)) return;
    if (inGroup.size === 0) this.members.delete(groupKey);
    this.changes.set(routerStateKey.member(groupKey, fingerprint), null);
  }

  /**
   * Forgets alerts that no longer fire and are in no group, so memory holds what routing needs.
   * Their last record (resolved) reached the changelog in an earlier batch, and the read model
   * keeps it: the projector ignores tombstones.
   */
  sweep(now: number, isFiring: (alert: RoutedAlert) => boolean, quietForMs: number): number {
    let swept = 0;
    for (const alert of [...this.alerts.values()].flatMap((ofTeam) => [...ofTeam.values()])) {
      if (isFiring(alert) || now - Date.parse(alert.lastReceivedAt) < quietForMs) continue;
      if (alert.groupKeys.some((groupKey) => this.members.get(groupKey)?.has(alert.fingerprint) || this.beyond.get(groupKey)?.has(alert.fingerprint))) continue;
      this.removeAlert(alert.teamId, alert.fingerprint);
      swept++;
    }
    return swept;
  }

  record(entry: AlertHistoryEvent): void {
    this.history.push(entry);
  }

  /** Forgets a deleted team: its alerts, groups and members, each with a tombstone. */
  purgeTeam(teamId: string): void {
    for (const group of [...this.groups.values()]) if (group.teamId === teamId) this.removeGroup(group.groupKey);
    for (const fingerprint of [...(this.alerts.get(teamId)?.keys() ?? [])]) this.removeAlert(teamId, fingerprint);
    this.teamVersions.delete(teamId);
  }

  /** The records and history entries changed since the last call, each key once with its latest value. */
  takeChanges(): { records: ChangelogRecord[]; history: AlertHistoryEvent[] } {
    const records = [...this.changes].map(([key, value]) => ({ key, value }));
    const history = this.history;
    this.changes.clear();
    this.history = [];
    return { records, history };
  }

  /**
   * Applies one changelog record while restoring: no change is recorded. Members may arrive
   * before their group; `dropOrphans` removes those whose group never came.
   */
  restore(key: string, value: RouterStateRecord | null): boolean {
    const parsed = parseRouterStateKey(key);
    if (!parsed) return false;
    if (value === null) {
      if (parsed.kind === 'alert') this.deleteAlert(...(teamAndFingerprint(parsed.alertId) ?? ['', '']));
      else if (parsed.kind === 'group') this.deleteGroup(parsed.groupKey);
      else {
        const inGroup = this.members.get(parsed.groupKey);
        inGroup?.delete(parsed.fingerprint);
        if (inGroup?.size === 0) this.members.delete(parsed.groupKey);
      }
      return true;
    }
    if (parsed.kind !== value.kind) return false;
    if (value.kind === 'alert') this.setAlert(value);
    else if (value.kind === 'group') this.setGroup(value);
    else this.setMember(value);
    return true;
  }

  /**
   * The end of a restore: drops the members (and counts beyond them) whose group never came, and has the others share
   * their fingerprint and event id with their alert (a restored member brings copies of its own;
   * a live one already shares them, both made from the same event).
   */
  dropOrphans(): void {
    for (const groupKey of [...this.beyond.keys()]) if (!this.groups.has(groupKey)) this.beyond.delete(groupKey);
    for (const [groupKey, inGroup] of [...this.members]) {
      const group = this.groups.get(groupKey);
      if (!group) this.members.delete(groupKey);
      else this.members.set(groupKey, this.sharingWithAlerts(inGroup, this.alerts.get(group.teamId)));
    }
  }

  /**
   * The record as held: its repeated strings, label pairs, annotations and group keys shared with
   * other alerts through the pool, and every field in the object itself (a record decoded by zod
   * keeps most of its fields in a separate property array).
   */
  private compactAlert(alert: RoutedAlert): RoutedAlert {
    const pool = this.pool;
    const teamId = pool.string(alert.teamId);
    const status = statusOf(alert.status);
    const labels = pool.pairs(alert.labels);
    // Frozen and shared: the record's type says mutable arrays, but nothing changes a held record.
    const annotations = pool.pairList(alert.annotations) as RoutedAlert['annotations'];
    const startsAt = pool.string(alert.startsAt, 'startsAt');
    const source = alert.source === 'alertmanager' ? 'alertmanager' : 'prometheus';
    const lastReceivedAt = pool.string(alert.lastReceivedAt, 'lastReceivedAt');
    const groupKeys = pool.stringList(alert.groupKeys) as RoutedAlert['groupKeys'];
    const { fingerprint, endsAt, lastEventId, offset } = alert;
    const held: RoutedAlert =
      alert.generatorURL === undefined
        ? { kind: 'alert', teamId, fingerprint, status, labels, annotations, startsAt, endsAt, source, lastEventId, lastReceivedAt, offset, groupKeys }
        : { kind: 'alert', teamId, fingerprint, status, labels, annotations, startsAt, endsAt, generatorURL: pool.string(alert.generatorURL), source, lastEventId, lastReceivedAt, offset, groupKeys };
    // Rare (only alerts of full groups have it), so it costs the other alerts nothing.
    if (alert.beyondCap?.length) held.beyondCap = pool.stringList(alert.beyondCap) as RoutedAlert['beyondCap'];
    return held;
  }

  private setGroup(group: RoutedGroup): void {
    const known = this.groups.get(group.groupKey);
    this.groups.set(group.groupKey, group);
    if (known?.teamId !== group.teamId) this.groupKeysById.set(alertGroupId(group.teamId, group.groupKey), group.groupKey);
  }

  private deleteGroup(groupKey: string): void {
    const group = this.groups.get(groupKey);
    if (!group) return;
    this.groups.delete(groupKey);
    this.groupKeysById.delete(alertGroupId(group.teamId, groupKey));
  }

  private setAlert(given: RoutedAlert): RoutedAlert {
    const alert = this.compactAlert(given);
    let ofTeam = this.alerts.get(alert.teamId);
    if (!ofTeam) this.alerts.set(alert.teamId, (ofTeam = new Map()));
    const previous = ofTeam.get(alert.fingerprint);
    ofTeam.set(alert.fingerprint, alert);
    if (previous?.beyondCap !== alert.beyondCap) this.indexBeyondCap(alert.fingerprint, previous?.beyondCap, alert.beyondCap);
    this.teamVersions.set(alert.teamId, this.teamVersion(alert.teamId) + 1);
    return alert;
  }

  private deleteAlert(teamId: string, fingerprint: string): void {
    const ofTeam = this.alerts.get(teamId);
    const alert = ofTeam?.get(fingerprint);
    if (!ofTeam || !alert) return;
    ofTeam.delete(fingerprint);
    if (alert.beyondCap) this.indexBeyondCap(fingerprint, alert.beyondCap, undefined);
    if (ofTeam.size === 0) this.alerts.delete(teamId);
    this.teamVersions.set(teamId, this.teamVersion(teamId) + 1);
  }

  private indexBeyondCap(fingerprint: string, before: readonly string[] | undefined, after: readonly string[] | undefined): void {
    for (const groupKey of before ?? []) {
      if (after?.includes(groupKey)) continue;
      const counted = this.beyond.get(groupKey);
      counted?.delete(fingerprint);
      if (counted?.size === 0) this.beyond.delete(groupKey);
    }
    for (const groupKey of after ?? []) {
      let counted = this.beyond.get(groupKey);
      if (!counted) this.beyond.set(groupKey, (counted = new Set()));
      counted.add(fingerprint);
    }
  }

  private sharingWithAlerts(inGroup: Map<string, GroupMember>, alerts: ReadonlyMap<string, RoutedAlert> | undefined): Map<string, GroupMember> {
    if (!alerts) return inGroup;
    const shared = new Map<string, GroupMember>();
    for (const [fingerprint, member] of inGroup) {
      const alert = alerts.get(fingerprint);
      if (!alert) shared.set(fingerprint, member);
      else {
        const eventId = member.eventId === alert.lastEventId ? alert.lastEventId : member.eventId;
        shared.set(alert.fingerprint, { kind: 'member', groupKey: member.groupKey, fingerprint: alert.fingerprint, status: member.status, eventId });
      }
    }
    return shared;
  }

  private setMember(given: GroupMember): GroupMember {
    const member: GroupMember = { kind: 'member', groupKey: this.pool.string(given.groupKey), fingerprint: given.fingerprint, status: statusOf(given.status), eventId: given.eventId };
    let inGroup = this.members.get(member.groupKey);
    if (!inGroup) this.members.set(member.groupKey, (inGroup = new Map()));
    inGroup.set(member.fingerprint, member);
    return member;
  }
}
