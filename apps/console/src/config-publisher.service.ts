import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { configEventKey, configEventSchema, type ConfigEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import {
  ConfigPublisherLeaseRepository,
  InhibitionRuleRepository,
  NotificationObjectRepository,
  NotificationPolicyRepository,
  SilenceRepository,
  TeamRepository,
  type NotificationObjectRecord,
} from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { JsonLogger } from '@alertlark/service-kit';
import { publishConfig } from './config-events';
import { outboxEventOf, type OutboxSource } from './config-outbox';

/** A holder that stops renewing (killed, cut off) hands over after this long. */
export const LEASE_TTL_MS = 10_000;
/** How often the holder renews, and another replica tries to take, the lease. */
const LEASE_RENEW_MS = 3_000;
/** Writes of other replicas (and a kick missed while a pass ran) are found this often. */
const POLL_MS = 500;
const ROWS_PER_PUBLISH = 500;
/** A published tombstone is kept this long, then removed. */
const TOMBSTONE_GRACE_MS = 60_000;

/**
 * Sends the configuration outbox to the config topic. Every write of a configuration row bumps its
 * `version` and marks it unpublished in the same update; the one replica holding the lease
 * publishes each unpublished row's current state (its delete for a tombstone) and records that
 * version as published unless the row was written meanwhile, so a newer write is always published
 * after an older one and per row the topic ends with the row as it is. Teams go first, then
 * chatbots, then what refers to them. A failed publication (Kafka away) leaves the rows
 * unpublished: the next pass takes them again.
 */
@Injectable()
export class ConfigPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly holder = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private readonly sources: OutboxSource[];
  /** Whether this replica held the lease when last asked. */
  private held = false;
  private leaseAskedAt = -Infinity;
  private adopted = false;
  private purgedAt = -Infinity;
  private stopped = false;
  private kicked = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    teams: TeamRepository,
    objects: NotificationObjectRepository,
    policies: NotificationPolicyRepository,
    silences: SilenceRepository,
    rules: InhibitionRuleRepository,
    private readonly lease: ConfigPublisherLeaseRepository,
    private readonly publisher: EventPublisher,
    secrets: SecretBox,
    private readonly logger: JsonLogger,
  ) {
    this.sources = [
      { name: 'teams', outbox: teams.outbox, eventOf: outboxEventOf.team },
      { name: 'notification objects', outbox: objects.outbox, eventOf: (row: NotificationObjectRecord) => outboxEventOf.object(row, secrets) },
      { name: 'notification policies', outbox: policies.outbox, eventOf: outboxEventOf.policy },
      { name: 'silences', outbox: silences.outbox, eventOf: outboxEventOf.silence },
      { name: 'inhibition rules', outbox: rules.outbox, eventOf: outboxEventOf.inhibitionRule },
    ];
  }

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    if (this.held) await this.lease.release(this.holder).catch(() => undefined);
  }

  /** A row was just written on this replica: publish now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      try {
        const published = await this.pass(Date.now());
        if (published > 0) this.logger.event('info', 'config published', { published });
      } catch (error) {
        this.logger.event('warn', 'config publication failed; the rows stay unpublished for the next pass', { error: String(error) });
      }
      if (this.stopped || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One pass, by the lease holder only: how many rows it published. */
  async pass(now: number): Promise<number> {
    if (!(await this.holding(now))) return 0;
    if (!this.adopted) {
      for (const source of this.sources) await source.outbox.adoptUnversioned();
      this.adopted = true;
    }
    let published = 0;
    for (const source of this.sources) published += await this.drain(source);
    if (now - this.purgedAt >= TOMBSTONE_GRACE_MS) {
      for (const source of this.sources) await source.outbox.purgeTombstones(new Date(now - TOMBSTONE_GRACE_MS));
      this.purgedAt = now;
    }
    return published;
  }

  /** Whether this replica holds the lease, renewing or trying to take it when due. */
  private async holding(now: number): Promise<boolean> {
    if (now - this.leaseAskedAt < LEASE_RENEW_MS) return this.held;
    this.leaseAskedAt = now;
    const held = await this.lease.hold(this.holder, new Date(now), LEASE_TTL_MS);
    if (held && !this.held) this.logger.event('info', 'config publisher lease taken', { holder: this.holder });
    this.held = held;
    return held;
  }

  private async drain(source: OutboxSource): Promise<number> {
    let published = 0;
    for (;;) {
      if (!(await this.holding(Date.now()))) return published;
      const rows = await source.outbox.unpublished(ROWS_PER_PUBLISH);
      const events: ConfigEvent[] = [];
      for (const row of rows) {
        const event = source.eventOf(row as never);
        if (!event) continue;
        // One row the contract refuses (an old or hand-edited one) must not stop the others.
        const valid = configEventSchema.safeParse(event);
        if (valid.success) events.push(event);
        else this.logger.event('warn', 'config row not published: it fails the config contract', { key: configEventKey(event), issues: valid.error.issues.slice(0, 3) });
      }
      if (events.length > 0) await publishConfig(this.publisher, ...events);
      // The lease lapsed while publishing (a slow broker): another holder may have published newer
      // versions of these rows before this publication landed, so they are made due again and
      // their current state is published after it.
      this.leaseAskedAt = -Infinity;
      if (!(await this.holding(Date.now()))) {
        await source.outbox.republish(rows.map((row) => row._id));
        return published;
      }
      for (const row of rows) await source.outbox.markPublished(row._id, row.version);
      published += rows.length;
      if (rows.length < ROWS_PER_PUBLISH) return published;
    }
  }
}
