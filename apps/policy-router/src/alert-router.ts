import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Gauge, Registry, type Counter } from 'prom-client';
import { EVENTS, ROUTER_RECENT_ACTIONS, notificationKey, routerStateContract, type ActionDecided, type ActionEvent, type ActionRequested, type AlertEvent, type AlertHistoryEvent, type NotificationEvent, type RoutedGroup } from '@alertlark/contracts';
import { BatchConsumer, ConfigFeed, EventPublisher, MAX_MESSAGE_BYTES, PRODUCE_LIMITS, ProduceBatcher, alertPartition, ensureTopics, type ConsumedBatch } from '@alertlark/kafka';
import { isMutedByTimeIntervals, silencedBy, type CompiledPolicy } from '@alertlark/routing';
import { JsonLogger, KAFKA, Readiness, counter } from '@alertlark/service-kit';
import { applyAlertEvent } from './apply-alert';
import { escalationNotifications, flushGroup, followUpNotifications, InhibitionIndexes, isFiring } from './flush-group';
import { nextEscalationAt, takeDueEscalations } from './escalation';
import { decideAction, decidedEvent, type ActionDecision } from './incident';
import { PartitionWrites, type InputOffset } from './partition-writes';
import { FlushSchedule, type ScheduledFlush } from './flush-schedule';
import { PartitionState, type ChangelogRecord } from './partition-state';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { restorePartitions, ROUTER_FETCH_BYTES } from './restore-partitions';
import { RoutingCatalog } from './routing-catalog';

/** What one step (a batch, a flush, a sweep) makes durable. */
interface StepOutputs {
  notifications: NotificationEvent[];
  records: ChangelogRecord[];
  history: AlertHistoryEvent[];
  /** Alerts read on another partition than their team's, sent on to it. */
  misplaced?: readonly AlertEvent[];
  decided?: ActionDecided[];
}

/** A step's outputs waiting for their write, with the acknowledgement of its notifications (written first). */
interface QueuedStep {
  state: PartitionState;
  outputs: StepOutputs;
  notified: Promise<void>;
}

/** A resolved alert in no group is forgotten after this long without news of it. */
const SWEEP_QUIET_MS = 10 * 60_000;
const SWEEP_EVERY_MS = 60_000;
/**
 * How many steps (batches, flushes) a partition is applied ahead of its acknowledged writes before
 * it is paused: enough for another team's alert behind a 10,000-alert storm on its partition to be
 * applied while the storm's changelog is written; few enough to bound what waits in memory (a
 * step is at most one fetch's worth of alerts, ROUTER_FETCH_BYTES).
 */
const WRITES_AHEAD = 4;
/**
 * policy-router's engine. Alerts are partitioned by team, so the replica that owns a partition
 * owns every alert, group and timer of its teams, in memory (`PartitionState`). A batch of alert
 * events is applied in memory, due groups are flushed, and the batch's notifications, changelog
 * records and history go out in batched produces; the batch's offsets are committed only after.
 * A partition's writes are chained (batches, timer flushes, sweeps), each sent once the one before
 * is acknowledged, so the changelog of a key is written in order; its notifications are chained in
 * a lane of their own, so a card waits for no changelog but its own. The next batches are fetched
 * and applied while the last ones' writes are acknowledged (up to WRITES_AHEAD): a router waited
 * on that round trip more than on its CPU, and another team on a storming team's partition waited
 * on the storm's changelog.
 */
@Injectable()
export class AlertRouter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly states = new Map<number, PartitionState>();
  private readonly restored = new Map<number, Promise<void>>();
  /** Each partition's changelog, history and actions, in order; offsets are committed past what they acknowledged. */
  private readonly writes = new PartitionWrites<QueuedStep>((partition, steps) => this.writeRecords(partition, steps), {
    // About one produce request a write: larger ones made the router's heap and buffers balloon.
    maxWeight: PRODUCE_LIMITS.maxMessages,
    weigh: (step) => step.outputs.records.length + step.outputs.history.length,
  });
  /** Each partition's notifications, in order, in a lane of their own (see writeStep). */
  private readonly notices = new PartitionWrites<{ state: PartitionState; notifications: readonly NotificationEvent[] }>((partition, sends) =>
    this.untilAcknowledged(partition, sends, () => this.sendNotifications(sends.flatMap((send) => send.notifications))),
  );
  private owned: ReadonlySet<number> = new Set();
  private assignment = 0;
  private stopping = false;
  private readonly schedule: FlushSchedule;
  /** Escalation steps' due times: a heap of their own, checked again when they fire. */
  private readonly escalations: FlushSchedule;
  private readonly inhibition = new InhibitionIndexes();
  private readonly consumer: BatchConsumer<typeof EVENTS.alerts | typeof EVENTS.actions>;
  private sweepTimer: NodeJS.Timeout | undefined;
  private configRevision = -1;
  private readonly events: Counter;
  private readonly flushes: Counter;
  private readonly actions: Counter;
  private readonly escalated: Counter;
  private readonly changelog: ReturnType<typeof routerStateContract>;
  private readonly out: ProduceBatcher;
  /**
   * Notifications go through a producer of their own: the changelog and history of every
   * partition (megabytes a second in a storm) go one request at a time, and a card waiting
   * behind them waited a round trip of a large request or two.
   */
  private readonly notificationPublisher: EventPublisher;
  private readonly notificationsOut: ProduceBatcher;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(POLICY_ROUTER_ENV) private readonly env: PolicyRouterEnv,
    private readonly publisher: EventPublisher,
    private readonly catalog: RoutingCatalog,
    private readonly config: ConfigFeed,
    private readonly logger: JsonLogger,
    private readonly readiness: Readiness,
    registry: Registry,
  ) {
    this.changelog = routerStateContract(env.ALERTLARK_CONSUMER_GROUP_PREFIX);
    this.out = new ProduceBatcher(publisher, { lingerMs: 0, maxPendingMessages: Number.MAX_SAFE_INTEGER });
    // Requests up to a whole message's size: a storm's first flush is megabytes of notifications,
    // and in 512 KiB requests, one in flight at a time, another team's card waited behind tens of
    // round trips. Their reader (lark-sender) fetches up to the topic's message size per partition.
    this.notificationPublisher = new EventPublisher(kafka, { limits: { maxBytes: MAX_MESSAGE_BYTES } });
    this.notificationsOut = new ProduceBatcher(this.notificationPublisher, { lingerMs: 0, maxPendingMessages: Number.MAX_SAFE_INTEGER });
    this.events = counter(registry, 'alertlark_router_alert_events_total', 'Alert events taken in, by whether they changed anything', ['outcome']);
    this.flushes = counter(registry, 'alertlark_router_group_flushes_total', 'Group flushes, by outcome', ['outcome']);
    this.actions = counter(registry, 'alertlark_router_actions_total', 'Actions on alert groups decided, by action and outcome', ['action', 'outcome']);
    this.escalated = counter(registry, 'alertlark_router_escalations_total', 'Escalation steps fired, by their condition', ['when']);
    new Gauge({ name: 'alertlark_router_alerts', help: 'Alerts held in memory', registers: [registry], collect: this.gaugeOf('alerts') });
    new Gauge({ name: 'alertlark_router_groups', help: 'Groups held in memory', registers: [registry], collect: this.gaugeOf('groups') });
    this.schedule = new FlushSchedule(
      (due) => this.onDue(due),
      (entry) => this.owned.has(entry.partition) && this.states.get(entry.partition)?.group(entry.groupKey)?.flushAt === entry.at,
    );
    this.escalations = new FlushSchedule(
      (due) => this.onEscalationDue(due),
      (entry) => this.owned.has(entry.partition) && this.states.get(entry.partition)?.group(entry.groupKey)?.incident !== null,
    );
    this.consumer = new BatchConsumer(kafka, {
      name: 'policy-router',
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.policy-router`,
      // Actions are partitioned by team as alerts are: the owner of a team's groups decides them.
      contracts: [EVENTS.alerts, EVENTS.actions],
      coPartitioned: true,
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log: (level, message, fields) => logger.event(level, message, fields),
      sessionTimeoutMs: env.POLICY_ROUTER_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: EVENTS.alerts.partitions + EVENTS.actions.partitions,
      maxBytesPerFetch: ROUTER_FETCH_BYTES,
      onAssignment: (partitions) => this.assign(partitions),
      onRevocation: () => {
        this.owned = new Set();
      },
      handleBatch: (batch) => (batch.topic === EVENTS.actions.topic ? this.onActions(batch as ConsumedBatch<ActionEvent>) : this.onBatch(batch as ConsumedBatch<AlertEvent>)),
      committable: (topic, partition) => this.writes.committable(topic, partition),
    });
  }

  private gaugeOf(what: 'alerts' | 'groups') {
    const states = this.states;
    return function (this: Gauge) {
      let total = 0;
      for (const state of states.values()) total += state.counts()[what];
      this.set(total);
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('alerts-consumer', () => this.consumer.hasJoined() && [...this.owned].every((partition) => this.states.has(partition)));
    await ensureTopics(this.kafka, [this.changelog]);
    await this.notificationPublisher.connect();
    await this.consumer.run();
    this.sweepTimer = setInterval(() => this.sweepAll(), SWEEP_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.schedule.stop();
    this.escalations.stop();
    // Every write acknowledged before the consumer's last commit and before leaving the group: a
    // write still in flight after the handover could land after the next owner's records.
    this.stopping = true;
    await this.writes.allSettled();
    await this.consumer.stop();
    await this.writes.allSettled();
    await this.notificationPublisher.disconnect();
  }

  /**
   * A new assignment: every partition is restored from its changelog, even one this replica held
   * before (another may have owned it in between). Work already queued finishes first.
   */
  private assign(partitions: ReadonlySet<number>): void {
    const assignment = ++this.assignment;
    this.owned = partitions;
    for (const partition of [...this.states.keys()]) this.states.delete(partition);
    this.writes.reassigned();
    this.schedule.clear();
    this.escalations.clear();
    this.restored.clear();
    if (partitions.size === 0) return;
    const restore = this.writes.allSettled().then(() => this.restore(partitions, assignment));
    for (const partition of partitions) this.restored.set(partition, restore);
  }

  private async restore(partitions: ReadonlySet<number>, assignment: number): Promise<void> {
    for (let attempt = 1; assignment === this.assignment; attempt++) {
      const started = Date.now();
      try {
        const states = await restorePartitions(this.kafka, this.publisher, this.changelog, partitions, this.env.POLICY_ROUTER_MAX_GROUP_MEMBERS, (level, message, fields) => this.logger.event(level, message, fields));
        if (assignment !== this.assignment) return;
        for (const [partition, state] of states) {
          this.states.set(partition, state);
          for (const group of state.allGroups()) {
            if (group.flushAt !== null) this.schedule.add({ at: group.flushAt, partition, groupKey: group.groupKey });
            this.scheduleEscalation(partition, group.groupKey);
          }
        }
        const counts = [...states.values()].map((state) => state.counts());
        this.logger.event('info', 'partitions restored', {
          partitions: [...partitions],
          alerts: counts.reduce((sum, count) => sum + count.alerts, 0),
          groups: counts.reduce((sum, count) => sum + count.groups, 0),
          ms: Date.now() - started,
        });
        return;
      } catch (error) {
        this.logger.event('error', 'restoring partitions failed; retrying', { partitions: [...partitions], attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * attempt)));
      }
    }
  }

  /** The partition's state once restored; throws (the batch is retried) while it is not owned here. */
  private async stateFor(batch: ConsumedBatch<unknown>): Promise<PartitionState> {
    const restored = this.restored.get(batch.partition);
    if (!restored) throw new Error(`partition ${batch.partition} is not assigned here`);
    await restored;
    const state = this.states.get(batch.partition);
    if (!state || !batch.isRunning()) throw new Error(`partition ${batch.partition} was revoked`);
    return state;
  }

  private async onBatch(batch: ConsumedBatch<AlertEvent>): Promise<void> {
    const state = await this.stateFor(batch);
    this.sweepDeletedTeams();
    const now = Date.now();
    const misplaced: AlertEvent[] = [];
    // Groups due now (a group wait of 0s) go out with this batch.
    const dueNow = new Set<string>();
    const schedule = (groupKey: string, at: number) => {
      this.schedule.add({ at, partition: batch.partition, groupKey });
      if (at <= now) dueNow.add(groupKey);
    };
    let changed = 0;
    for (const { value: event, offset } of batch.events) {
      if (alertPartition(event.teamId) !== batch.partition) {
        misplaced.push(event);
        continue;
      }
      if (applyAlertEvent(state, event, Number(offset), { policies: this.catalog, resolveTimeoutMs: this.env.ALERTLARK_RESOLVE_TIMEOUT, schedule, now })) changed++;
    }
    this.events.inc({ outcome: 'changed' }, changed);
    this.events.inc({ outcome: 'unchanged' }, batch.events.length - changed - misplaced.length);
    await this.handedOn(batch, this.flushAndWrite(state, [...dueNow], now, { misplaced, upTo: { topic: batch.topic, offset: batch.nextOffset } }));
  }

  /**
   * A batch returns at once, its writes queued: a partition is read and applied up to
   * WRITES_AHEAD steps ahead of its acknowledged writes, then paused until they catch up. Waiting
   * for them inside the batch held kafkajs' one fetch loop, so every partition's next batch waited
   * on a storming partition's megabytes of writes; pausing after each batch held the other teams
   * on the storming team's partition behind its changelog. Stopping, a batch returns once its own
   * writes are, so that the consumer's last commit covers it. Writes fail only for a partition
   * given away: its next owner replays what was not committed.
   */
  private async handedOn(batch: ConsumedBatch<unknown>, written: Promise<void>): Promise<void> {
    // Stopping, or the partition being taken away (a rebalance started; kafkajs' isRunning stays
    // true then): the batch waits for its own writes, so none is in flight at the handover.
    if (!batch.isRunning() || this.stopping || !this.owned.has(batch.partition)) return written;
    written.catch(() => undefined);
    if (this.writes.pending(batch.partition) < WRITES_AHEAD) return;
    const resume = batch.pause();
    void this.writes.atMost(batch.partition, WRITES_AHEAD - 1).then(resume);
  }

  /**
   * Claims, resolves and silences, decided one at a time in partition order (of two claims, the
   * first wins). An applied one changes the group's incident (its changelog record) and tells the
   * group's chatbots in a follow-up; every decision goes on the actions topic for the console.
   */
  private async onActions(batch: ConsumedBatch<ActionEvent>): Promise<void> {
    const state = await this.stateFor(batch);
    const now = Date.now();
    const decided: ActionDecided[] = [];
    const notifications: NotificationEvent[] = [];
    for (const event of batch.events) {
      const request = event.value;
      if (request.type !== 'action.requested') continue;
      if (alertPartition(request.teamId) !== batch.partition) {
        batch.deadLetter(event, `an action for team ${request.teamId} belongs on partition ${alertPartition(request.teamId)}, not ${batch.partition}`);
        continue;
      }
      decided.push(this.decide(state, request, now, notifications));
    }
    const { records, history } = state.takeChanges();
    await this.handedOn(batch, this.writeStep(state, { notifications, records, history, decided }, { topic: batch.topic, offset: batch.nextOffset }));
  }

  private decide(state: PartitionState, request: ActionRequested, now: number, notifications: NotificationEvent[]): ActionDecided {
    const found = state.groupById(request.groupId);
    const group = found?.teamId === request.teamId ? found : undefined;
    const firing = group ? [...state.membersOf(group.groupKey).keys()].filter((fingerprint) => {
      const alert = state.alert(group.teamId, fingerprint);
      return alert !== undefined && isFiring(alert, now);
    }) : [];
    const known = group?.recentActions.find((action) => action.id === request.actionId);
    if (group && known) {
      // Read again (a restart replays the topic from its committed offset): decided already.
      const first: ActionDecision = known.outcome === 'applied' && group.incident ? { outcome: 'applied', incident: group.incident } : { outcome: 'refused', reason: known.reason ?? 'refused' };
      return decidedEvent(request, group, first, now);
    }
    const decision = decideAction(group, request, firing, now);
    const event = decidedEvent(request, group, decision, now);
    if (group) {
      const recentActions = [...group.recentActions, { id: request.actionId, outcome: decision.outcome, ...(decision.outcome === 'refused' ? { reason: decision.reason } : {}) }].slice(-ROUTER_RECENT_ACTIONS);
      const incident = decision.outcome === 'applied' ? decision.incident : group.incident;
      state.putGroup({ ...group, incident, recentActions });
      if (decision.outcome === 'applied' && decision.incident !== group.incident) {
        this.scheduleEscalation(state.partition, group.groupKey);
        const policy = this.catalog.policy(group.teamId, group.policyId);
        if (policy) notifications.push(...followUpNotifications(state, group, policy, event, decision.incident, now));
      }
    }
    this.actions.inc({ action: request.action, outcome: decision.outcome });
    return event;
  }

  private onDue(due: ScheduledFlush[]): void {
    const byPartition = new Map<number, string[]>();
    for (const entry of due) byPartition.set(entry.partition, [...(byPartition.get(entry.partition) ?? []), entry.groupKey]);
    for (const [partition, groupKeys] of byPartition) {
      const state = this.states.get(partition);
      if (!state) continue;
      this.flushAndWrite(state, groupKeys, Date.now()).catch((error: unknown) => {
        // The state change did not reach the changelog; flushing again yields the same ids.
        this.logger.event('error', 'group flush failed; retrying', { partition, groups: groupKeys.length, error: String(error) });
        const retryAt = Date.now() + 1_000;
        for (const groupKey of groupKeys) this.schedule.add({ at: retryAt, partition, groupKey });
      });
    }
  }

  /**
   * Flushes the given groups now, then queues the partition's changes to be made durable
   * (writeStep), with a batch's `misplaced` alerts sent on to their team's partition. Resolves
   * once they are acknowledged; then the partition may be committed `upTo` the batch's end.
   */
  private flushAndWrite(state: PartitionState, groupKeys: readonly string[], now: number, batch?: { misplaced: readonly AlertEvent[]; upTo: InputOffset }): Promise<void> {
    const notifications: NotificationEvent[] = [];
    for (const groupKey of groupKeys) {
      const group = state.group(groupKey);
      if (!group || group.flushAt === null || group.flushAt > now) continue;
      const incidentBefore = group.incident;
      const outcome = flushGroup(state, groupKey, this.catalog, this.inhibition, now);
      if (state.group(groupKey)?.incident !== incidentBefore) this.scheduleEscalation(state.partition, groupKey);
      this.flushes.inc({ outcome: outcome.outcome });
      notifications.push(...outcome.notifications);
      if (outcome.flushAt !== null) this.schedule.add({ at: outcome.flushAt, partition: state.partition, groupKey });
    }
    const { records, history } = state.takeChanges();
    return this.writeStep(state, { notifications, records, history, misplaced: batch?.misplaced ?? [] }, batch?.upTo);
  }

  /**
   * Makes a step's outputs durable, in two lanes per partition. Its notifications go at once,
   * after the partition's earlier notifications only: a card never waits for the changelog of
   * another team's storm on its partition. Its changelog records, history and actions go after
   * the partition's earlier ones and after its own notifications (a crash before the changelog
   * write flushes again, with the same notification ids). In each lane, what queues during a
   * write goes together in the next. Resolves once all are acknowledged; then the partition may be
   * committed `upTo` the step's input.
   */
  private writeStep(state: PartitionState, outputs: StepOutputs, upTo?: InputOffset): Promise<void> {
    const notified = outputs.notifications.length === 0 ? Promise.resolve() : this.notices.enqueue(state.partition, { state, notifications: outputs.notifications });
    // Awaited by the records' write; a failure there is the step's failure.
    notified.catch(() => undefined);
    return this.writes.enqueue(state.partition, { state, outputs, notified }, upTo);
  }

  private async writeRecords(partition: number, steps: readonly QueuedStep[]): Promise<void> {
    await Promise.all(steps.map((step) => step.notified));
    await this.untilAcknowledged(partition, steps, () => this.sendRecords(partition, steps.map((step) => step.outputs)));
  }

  /**
   * Retries a produce until it is acknowledged: the in-memory state already moved on, so giving up
   * would lose it (a retried batch finds its events applied). Only a partition given away
   * meanwhile gives up: its next owner restores the changelog as it was and replays the input,
   * yielding the same notification ids.
   */
  private async untilAcknowledged(partition: number, of: readonly { state: PartitionState }[], produce: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await produce();
      } catch (error) {
        if (!this.owned.has(partition) || of.some((step) => this.states.get(partition) !== step.state)) throw error;
        this.logger.event('error', 'producing a step failed; retrying', { partition, attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  /**
   * Built by flushGroup from records that passed their contracts; flush-group.spec parses every
   * notification it makes, so they are not parsed again on the hot path (20 notifications of 200
   * alerts every second at 1000/s).
   */
  private sendNotifications(notifications: readonly NotificationEvent[]): Promise<void> {
    return this.notificationsOut.add([{ contract: EVENTS.notifications, events: notifications.map((notification) => ({ key: this.keyOf(notification), value: notification })), valid: true }]);
  }

  /** Every partition's changelog, history and actions share produce requests, one in flight, the next gathering meanwhile. */
  private sendRecords(partition: number, steps: readonly StepOutputs[]): Promise<void> {
    return this.out.add([
      { contract: this.changelog, events: steps.flatMap((step) => step.records.map((record) => ({ key: record.key, value: record.value, partition }))) },
      { contract: EVENTS.alertHistory, events: steps.flatMap((step) => step.history.map((entry) => ({ key: `${entry.teamId}/${entry.fingerprint}`, value: entry }))) },
      // An alert on another partition than its team's (published before alerts were partitioned
      // by team, or by a foreign producer) goes to its team's partition.
      { contract: EVENTS.alerts, events: steps.flatMap((step) => (step.misplaced ?? []).map((event) => ({ key: `${event.teamId}/${event.fingerprint}`, value: event, partition: alertPartition(event.teamId) }))) },
      // After the notifications they announce (a follow-up card), like the changelog.
      { contract: EVENTS.actions, events: steps.flatMap((step) => (step.decided ?? []).map((event) => ({ key: event.groupId, value: event, partition }))) },
    ]);
  }

  /** Puts the group's next escalation step, if any, on the escalation heap. */
  private scheduleEscalation(partition: number, groupKey: string): void {
    const group = this.states.get(partition)?.group(groupKey);
    const steps = group ? this.catalog.policy(group.teamId, group.policyId)?.escalation : undefined;
    if (!group || !steps?.length) return;
    const at = nextEscalationAt(group.incident, steps);
    if (at !== null) this.escalations.add({ at, partition, groupKey });
  }

  /**
   * Fires the escalation steps now due: the group's card to each step's chatbots, and the step
   * counted in the incident's changelog record, written after the notifications (a crash between
   * fires the step again with the same notification ids). While the policy's time windows mute it,
   * a step waits and is looked at again a minute later.
   */
  private onEscalationDue(due: ScheduledFlush[]): void {
    const now = Date.now();
    const byPartition = new Map<number, Set<string>>();
    for (const entry of due) byPartition.set(entry.partition, (byPartition.get(entry.partition) ?? new Set()).add(entry.groupKey));
    for (const [partition, groupKeys] of byPartition) {
      const state = this.states.get(partition);
      if (!state) continue;
      const notifications: NotificationEvent[] = [];
      for (const groupKey of groupKeys) {
        const group = state.group(groupKey);
        const policy: CompiledPolicy | undefined = group ? this.catalog.policy(group.teamId, group.policyId) : undefined;
        if (!group?.incident || !policy?.enabled || !policy.escalation.length) continue;
        // An early or stale entry (the proper one is on the heap, or nothing is due any more).
        const next = nextEscalationAt(group.incident, policy.escalation);
        if (next === null || next > now) continue;
        if (this.escalationHeld(state, group, policy, now)) {
          this.escalations.add({ at: now + 60_000, partition, groupKey });
          continue;
        }
        const taken = takeDueEscalations(group.incident, policy.escalation, now);
        for (const step of taken.due) {
          notifications.push(...escalationNotifications(state, group, taken.incident, step, now));
          this.escalated.inc({ when: step.step.when });
        }
        if (taken.incident !== group.incident) state.putGroup({ ...group, incident: taken.incident });
        this.scheduleEscalation(partition, groupKey);
      }
      const { records, history } = state.takeChanges();
      if (notifications.length === 0 && records.length === 0) continue;
      this.writeStep(state, { notifications, records, history }).catch((error: unknown) => {
        // Given away meanwhile: the next owner restores the incident as recorded and fires again.
        this.logger.event('warn', 'escalation write failed', { partition, error: String(error) });
      });
    }
  }

  /**
   * Whether the group's steps wait (looked at again a minute later): the policy's time windows
   * mute it, a silence made from the chat is on, or every alert of the group that fires is
   * silenced. Paging someone about alerts the team has silenced would defeat the silence.
   */
  private escalationHeld(state: PartitionState, group: RoutedGroup, policy: CompiledPolicy, now: number): boolean {
    if (isMutedByTimeIntervals(policy.timeWindows, now)) return true;
    const silence = group.incident?.silence;
    if (silence && Date.parse(silence.endsAt) > now) return true;
    const silences = this.catalog.silencesOf(group.teamId);
    const firing = [...state.membersOf(group.groupKey).keys()].flatMap((fingerprint) => {
      const alert = state.alert(group.teamId, fingerprint);
      return alert && isFiring(alert, now) ? [alert] : [];
    });
    return firing.length > 0 && firing.every((alert) => silencedBy(silences, alert.labels, now).length > 0);
  }

  /** Keyed by the chatbot's webhook: one partition, so one sender and one rate budget, per webhook. */
  private keyOf(notification: NotificationEvent): string {
    return notificationKey(notification.objectId, this.config.view.notificationObject(notification.teamId, notification.objectId));
  }

  /** A deleted team's alerts and groups are forgotten (checked when the configuration changed). */
  private sweepDeletedTeams(): void {
    const revision = this.config.view.getRevision();
    if (revision === this.configRevision) return;
    for (const state of this.states.values()) for (const teamId of [...state.teamIds()]) if (this.config.view.isDeletedTeam(teamId)) state.purgeTeam(teamId);
    this.configRevision = revision;
  }

  private sweepAll(): void {
    for (const [partition, state] of this.states) {
      if (!this.owned.has(partition)) continue;
      const now = Date.now();
      const swept = state.sweep(now, (alert) => isFiring(alert, now), SWEEP_QUIET_MS);
      if (swept > 0) this.flushAndWrite(state, [], now).catch((error: unknown) => this.logger.event('warn', 'sweep failed', { partition, error: String(error) }));
    }
  }
}
