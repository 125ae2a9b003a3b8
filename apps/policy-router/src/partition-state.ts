import {
  parseRouterStateKey,
  routerStateKey,
  type AlertHistoryEvent,
  type GroupMember,
  type RoutedAlert,
  type RoutedGroup,
  type RouterStateRecord,
} from '@alertlark/contracts';

export interface ChangelogRecord {
  key: string;
  /** Null: a tombstone, the key is gone. */
  value: RouterStateRecord | null;
}

export const alertId = (teamId: string, fingerprint: string): string => `${teamId}/${fingerprint}`;

/**
 * Everything policy-router knows of one partition of the alerts topic (the teams on it): their
 * alerts, groups and group members, in memory. Every change is remembered as the latest record
 * per changelog key until `takeChanges`, so a batch writes each changed key once, whatever the
 * size of the group it belongs to.
 */
export class PartitionState {
  private readonly alerts = new Map<string, RoutedAlert>();
  private readonly alertIdsByTeam = new Map<string, Set<string>>();
  private readonly groups = new Map<string, RoutedGroup>();
  private readonly members = new Map<string, Map<string, GroupMember>>();
  private readonly changes = new Map<string, RouterStateRecord | null>();
  private history: AlertHistoryEvent[] = [];
  private readonly teamVersions = new Map<string, number>();

  constructor(readonly partition: number) {}

  alert(teamId: string, fingerprint: string): RoutedAlert | undefined {
    return this.alerts.get(alertId(teamId, fingerprint));
  }

  *alertsOfTeam(teamId: string): Iterable<RoutedAlert> {
    for (const id of this.alertIdsByTeam.get(teamId) ?? []) yield this.alerts.get(id)!;
  }

  /** Changes whenever one of the team's alerts changes: derived indexes are cached against it. */
  teamVersion(teamId: string): number {
    return this.teamVersions.get(teamId) ?? 0;
  }

  teamIds(): Iterable<string> {
    return this.alertIdsByTeam.keys();
  }

  group(groupKey: string): RoutedGroup | undefined {
    return this.groups.get(groupKey);
  }

  allGroups(): Iterable<RoutedGroup> {
    return this.groups.values();
  }

  membersOf(groupKey: string): ReadonlyMap<string, GroupMember> {
    return this.members.get(groupKey) ?? new Map();
  }

  counts(): { alerts: number; groups: number; members: number } {
    let members = 0;
    for (const inGroup of this.members.values()) members += inGroup.size;
    return { alerts: this.alerts.size, groups: this.groups.size, members };
  }

  putAlert(alert: RoutedAlert): void {
    this.setAlert(alert);
    this.changes.set(routerStateKey.alert(alert.teamId, alert.fingerprint), alert);
  }

  removeAlert(teamId: string, fingerprint: string): void {
    this.deleteAlert(alertId(teamId, fingerprint));
    this.changes.set(routerStateKey.alert(teamId, fingerprint), null);
  }

  putGroup(group: RoutedGroup): void {
    this.groups.set(group.groupKey, group);
    this.changes.set(routerStateKey.group(group.groupKey), group);
  }

  /** A new timer that the changelog need not hear of (a quiet tick): memory only. */
  moveTimer(group: RoutedGroup): void {
    this.groups.set(group.groupKey, group);
  }

  /** Drops a group with all its members. */
  removeGroup(groupKey: string): void {
    for (const fingerprint of this.membersOf(groupKey).keys()) this.changes.set(routerStateKey.member(groupKey, fingerprint), null);
    this.members.delete(groupKey);
    this.groups.delete(groupKey);
    this.changes.set(routerStateKey.group(groupKey), null);
  }

  putMember(member: GroupMember): void {
    this.setMember(member);
    this.changes.set(routerStateKey.member(member.groupKey, member.fingerprint), member);
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
    for (const alert of [...this.alerts.values()]) {
      if (isFiring(alert) || now - Date.parse(alert.lastReceivedAt) < quietForMs) continue;
      if (alert.groupKeys.some((groupKey) => this.members.get(groupKey)?.has(alert.fingerprint))) continue;
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
    for (const id of [...(this.alertIdsByTeam.get(teamId) ?? [])]) {
      const alert = this.alerts.get(id)!;
      this.removeAlert(alert.teamId, alert.fingerprint);
    }
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
      if (parsed.kind === 'alert') this.deleteAlert(parsed.alertId);
      else if (parsed.kind === 'group') this.groups.delete(parsed.groupKey);
      else {
        const inGroup = this.members.get(parsed.groupKey);
        inGroup?.delete(parsed.fingerprint);
        if (inGroup?.size === 0) this.members.delete(parsed.groupKey);
      }
      return true;
    }
    if (parsed.kind !== value.kind) return false;
    if (value.kind === 'alert') this.setAlert(value);
    else if (value.kind === 'group') this.groups.set(value.groupKey, value);
    else this.setMember(value);
    return true;
  }

  dropOrphans(): void {
    for (const groupKey of [...this.members.keys()]) if (!this.groups.has(groupKey)) this.members.delete(groupKey);
  }

  private setAlert(alert: RoutedAlert): void {
    const id = alertId(alert.teamId, alert.fingerprint);
    this.alerts.set(id, alert);
    let ids = this.alertIdsByTeam.get(alert.teamId);
    if (!ids) this.alertIdsByTeam.set(alert.teamId, (ids = new Set()));
    ids.add(id);
    this.teamVersions.set(alert.teamId, this.teamVersion(alert.teamId) + 1);
  }

  private deleteAlert(id: string): void {
    const alert = this.alerts.get(id);
    if (!alert) return;
    this.alerts.delete(id);
    const ids = this.alertIdsByTeam.get(alert.teamId);
    ids?.delete(id);
    if (ids?.size === 0) this.alertIdsByTeam.delete(alert.teamId);
    this.teamVersions.set(alert.teamId, this.teamVersion(alert.teamId) + 1);
  }

  private setMember(member: GroupMember): void {
    let inGroup = this.members.get(member.groupKey);
    if (!inGroup) this.members.set(member.groupKey, (inGroup = new Map()));
    inGroup.set(member.fingerprint, member);
  }
}
