import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { EVENTS, configEventKey, type ConfigEvent } from '@alertlark/contracts';
import { EventPublisher, ensureTopics } from '@alertlark/kafka';
import {
  CONFIG_PUBLISHER_LEASE_MODEL,
  ConfigPublisherLeaseRepository,
  INHIBITION_RULE_MODEL,
  InhibitionRuleRepository,
  NOTIFICATION_OBJECT_MODEL,
  NOTIFICATION_POLICY_MODEL,
  NotificationObjectRepository,
  NotificationPolicyRepository,
  SILENCE_MODEL,
  SilenceRepository,
  TEAM_MODEL,
  TeamRepository,
  configPublisherLeaseSchema,
  inhibitionRuleSchema,
  notificationObjectSchema,
  notificationPolicySchema,
  silenceSchema,
  teamSchema,
} from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { JsonLogger } from '@alertlark/service-kit';
import { ConfigPublisher, LEASE_TTL_MS } from './config-publisher.service';

/**
 * The config outbox against the stack's FerretDB and Kafka: the lease, and what the publisher
 * sends. Each publication goes to the real config topic and is recorded here, in order.
 */
describe('the config outbox on the real stack', () => {
  const run = randomBytes(4).toString('hex');
  const database = `config_outbox_${run}`;
  const kafka = new Kafka({ clientId: `config-outbox-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const kafkaPublisher = new EventPublisher(kafka);
  let connection: mongoose.Connection;
  let repos: { teams: TeamRepository; objects: NotificationObjectRepository; policies: NotificationPolicyRepository; silences: SilenceRepository; rules: InhibitionRuleRepository; lease: ConfigPublisherLeaseRepository };
  /** Every event published, in order; and what happens before each publication (a fault, a write). */
  let published: ConfigEvent[];
  let beforePublish: (() => Promise<void>) | undefined;
  const secrets = new SecretBox(randomBytes(32));

  /** The stack's EventPublisher, with a hook before each publication. */
  const recording = {
    publish: async (contract: typeof EVENTS.config, entries: { key: string; value: ConfigEvent }[]) => {
      const hook = beforePublish;
      beforePublish = undefined;
      await hook?.();
      await kafkaPublisher.publish(contract, entries);
      published.push(...entries.map((entry) => entry.value));
    },
  } as unknown as EventPublisher;

  const publisherOf = () => new ConfigPublisher(repos.teams, repos.objects, repos.policies, repos.silences, repos.rules, repos.lease, recording, secrets, new JsonLogger('console-test'));
  const lastPublished = (key: string) => [...published].reverse().find((event) => configEventKey(event) === key);

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    repos = {
      teams: new TeamRepository(connection.model(TEAM_MODEL, teamSchema)),
      objects: new NotificationObjectRepository(connection.model(NOTIFICATION_OBJECT_MODEL, notificationObjectSchema)),
      policies: new NotificationPolicyRepository(connection.model(NOTIFICATION_POLICY_MODEL, notificationPolicySchema)),
      silences: new SilenceRepository(connection.model(SILENCE_MODEL, silenceSchema)),
      rules: new InhibitionRuleRepository(connection.model(INHIBITION_RULE_MODEL, inhibitionRuleSchema)),
      lease: new ConfigPublisherLeaseRepository(connection.model(CONFIG_PUBLISHER_LEASE_MODEL, configPublisherLeaseSchema)),
    };
    await ensureTopics(kafka, [EVENTS.config]);
    await kafkaPublisher.connect();
  });

  beforeEach(async () => {
    published = [];
    beforePublish = undefined;
    await connection.collection('config_publisher_lease').deleteMany({});
  });

  afterAll(async () => {
    await kafkaPublisher.disconnect();
    await connection.dropDatabase();
    await connection.close();
  });

  const now = new Date();
  const teamRow = (id: string) => ({ _id: id, name: id, apiTokenHash: `api-${id}-${run}`, ingestTokenHash: `ingest-${id}-${run}`, createdAt: now, updatedAt: now });
  const policyRow = (id: string, teamId: string, name = 'critical') => ({ _id: id, teamId, name, matchers: ['severity="critical"'], objectIds: [], sendResolved: true, enabled: true, createdAt: now, updatedAt: now });

  describe('the lease', () => {
    it('is held by one replica at a time, even when several ask at once', async () => {
      const at = new Date();
      const held = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => repos.lease.hold(holder, at, LEASE_TTL_MS)));
      expect(held.filter(Boolean)).toHaveLength(1);
      const holder = ['a', 'b', 'c', 'd'][held.indexOf(true)]!;
      expect(await repos.lease.hold(holder, new Date(at.getTime() + 1000), LEASE_TTL_MS)).toBe(true);
      expect(await repos.lease.hold(holder === 'a' ? 'b' : 'a', new Date(at.getTime() + 1000), LEASE_TTL_MS)).toBe(false);
    });

    it('goes to another replica once it expires unrenewed, and the old holder cannot take it back', async () => {
      const at = new Date();
      expect(await repos.lease.hold('a', at, LEASE_TTL_MS)).toBe(true);
      expect(await repos.lease.hold('b', new Date(at.getTime() + LEASE_TTL_MS - 1), LEASE_TTL_MS)).toBe(false);
      expect(await repos.lease.hold('b', new Date(at.getTime() + LEASE_TTL_MS), LEASE_TTL_MS)).toBe(true);
      expect(await repos.lease.hold('a', new Date(at.getTime() + LEASE_TTL_MS + 1), LEASE_TTL_MS)).toBe(false);
    });

    it('is free at once when its holder gives it up', async () => {
      const at = new Date();
      expect(await repos.lease.hold('a', at, LEASE_TTL_MS)).toBe(true);
      await repos.lease.release('a');
      expect(await repos.lease.hold('b', at, LEASE_TTL_MS)).toBe(true);
    });

    it('lets only its holder publish', async () => {
      const team = await repos.teams.create(teamRow(`team_lease_${run}`));
      const [first, second] = [publisherOf(), publisherOf()];
      expect(await first.pass(Date.now())).toBe(1);
      await repos.policies.create(policyRow(`npol_lease_${run}`, team._id));
      expect(await second.pass(Date.now())).toBe(0);
      expect(await first.pass(Date.now() + LEASE_TTL_MS)).toBe(1);
      expect(published.map(configEventKey)).toEqual([`team/${team._id}`, `policy/npol_lease_${run}`]);
    });
  });

  describe('the writes', () => {
    it('take the next version with the write; a policy replace drops the optional fields the new one leaves out', async () => {
      const team = await repos.teams.create(teamRow(`team_write_${run}`));
      const id = `npol_write_${run}`;
      await repos.policies.create({ ...policyRow(id, team._id), groupBy: ['alertname'], groupWait: '30s' });
      expect(await repos.policies.replace({ ...policyRow(id, team._id, 'replaced'), groupWait: '1m' })).toBe(true);
      const row = await repos.policies.get(team._id, id);
      expect(row).toMatchObject({ name: 'replaced', groupWait: '1m', version: 2, publishedVersion: 0, unpublished: true });
      expect(row).not.toHaveProperty('groupBy');
      expect(await repos.teams.setTokenHash(team._id, 'ingest', `rotated-${run}`)).toMatchObject({ ingestTokenHash: `rotated-${run}`, version: 2 });
      await publisherOf().pass(Date.now());
    });
  });

  describe('the publisher', () => {
    it('publishes each written row once, teams before what refers to them, and rows from before the outbox once', async () => {
      const team = await repos.teams.create(teamRow(`team_order_${run}`));
      await repos.policies.create(policyRow(`npol_order_${run}`, team._id));
      await connection.collection<{ _id: string }>('inhibition_rules').insertOne({
        _id: `inh_old_${run}`,
        teamId: team._id,
        name: 'from before the outbox',
        sourceMatchers: ['alertname="NodeDown"'],
        targetMatchers: [],
        equal: [],
        createdAt: now,
        updatedAt: now,
      } as never);
      const publisher = publisherOf();
      expect(await publisher.pass(Date.now())).toBe(3);
      expect(published.map(configEventKey)).toEqual([`team/${team._id}`, `policy/npol_order_${run}`, `inhibition-rule/inh_old_${run}`]);
      expect(await publisher.pass(Date.now())).toBe(0);
      expect(await connection.collection('inhibition_rules').findOne({ _id: `inh_old_${run}` } as never)).toMatchObject({ version: 1, publishedVersion: 1 });
    });

    it('publishes again a row written while its previous version was being published, so the topic ends with it', async () => {
      const team = await repos.teams.create(teamRow(`team_race_${run}`));
      const id = `npol_race_${run}`;
      const publisher = publisherOf();
      await publisher.pass(Date.now());
      await repos.policies.create(policyRow(id, team._id, 'before'));
      beforePublish = async () => {
        expect(await repos.policies.replace(policyRow(id, team._id, 'after'))).toBe(true);
      };
      await publisher.pass(Date.now());
      expect(lastPublished(`policy/${id}`)).toMatchObject({ policy: { name: 'before' } });
      // Version 1 went out, but the row is at 2 now: it is not marked, so it stays due.
      expect(await connection.collection('notification_policies').findOne({ _id: id } as never)).toMatchObject({ version: 2, publishedVersion: 0, unpublished: true });
      expect(await publisher.pass(Date.now())).toBe(1);
      expect(lastPublished(`policy/${id}`)).toMatchObject({ policy: { name: 'after' } });
      expect(await connection.collection('notification_policies').findOne({ _id: id } as never)).toMatchObject({ version: 2, publishedVersion: 2 });
    });

    it('loses no write made while the publisher marks rows published, and the topic ends with each row as stored', async () => {
      const team = await repos.teams.create(teamRow(`team_busy_${run}`));
      const ids = [0, 1, 2].map((n) => `npol_busy${n}_${run}`);
      for (const id of ids) await repos.policies.create(policyRow(id, team._id, 'v0'));
      const publisher = publisherOf();
      let writing = true;
      const passes = (async () => {
        while (writing) await publisher.pass(Date.now());
      })();
      // Each write lands at a different point of a pass: some while its row is being marked published.
      for (let version = 1; version <= 40; version += 1) {
        for (const id of ids) expect(await repos.policies.replace(policyRow(id, team._id, `v${version}`))).toBe(true);
      }
      writing = false;
      await passes;
      await publisher.pass(Date.now());
      for (const id of ids) {
        expect(await repos.policies.get(team._id, id)).toMatchObject({ name: 'v40', version: 41, publishedVersion: 41 });
        expect(lastPublished(`policy/${id}`)).toMatchObject({ policy: { name: 'v40' } });
      }
    });

    it('keeps rows unpublished while Kafka fails, and publishes them once it is back', async () => {
      const team = await repos.teams.create(teamRow(`team_fault_${run}`));
      const publisher = publisherOf();
      beforePublish = async () => {
        throw new Error('broker away');
      };
      await expect(publisher.pass(Date.now())).rejects.toThrow('broker away');
      expect(published).toEqual([]);
      expect(await repos.teams.get(team._id)).toMatchObject({ version: 1, publishedVersion: 0 });
      expect(await publisher.pass(Date.now())).toBe(1);
      expect(lastPublished(`team/${team._id}`)).toEqual({ type: 'team.upserted', team: expect.objectContaining({ id: team._id }) });
    });

    it('publishes a delete from its tombstone, hides the tombstone from reads, then removes it after the grace period', async () => {
      const team = await repos.teams.create(teamRow(`team_tomb_${run}`));
      const id = `npol_tomb_${run}`;
      await repos.policies.create(policyRow(id, team._id));
      const publisher = publisherOf();
      await publisher.pass(Date.now());
      expect(await repos.policies.delete(team._id, id, new Date())).toBe(true);
      expect(await repos.policies.get(team._id, id)).toBeNull();
      expect(await repos.policies.countOfTeam(team._id)).toBe(0);
      expect(await repos.policies.delete(team._id, id, new Date())).toBe(false);
      expect(await publisher.pass(Date.now())).toBe(1);
      expect(lastPublished(`policy/${id}`)).toEqual({ type: 'policy.deleted', teamId: team._id, policyId: id });
      expect(await connection.collection('notification_policies').findOne({ _id: id } as never)).toMatchObject({ version: 2, publishedVersion: 2, deletedAt: expect.any(Date) });
      await publisher.pass(Date.now() + 61_000);
      expect(await connection.collection('notification_policies').findOne({ _id: id } as never)).toBeNull();
    });

    it('keeps an unpublished tombstone past the grace period until its delete is published', async () => {
      const team = await repos.teams.create(teamRow(`team_keep_${run}`));
      const id = `npol_keep_${run}`;
      await repos.policies.create(policyRow(id, team._id));
      await repos.policies.delete(team._id, id, new Date(Date.now() - 120_000));
      const publisher = publisherOf();
      beforePublish = async () => {
        throw new Error('broker away');
      };
      await expect(publisher.pass(Date.now())).rejects.toThrow('broker away');
      await repos.teams.outbox.purgeTombstones(new Date());
      await repos.policies.outbox.purgeTombstones(new Date());
      expect(await connection.collection('notification_policies').findOne({ _id: id } as never)).toMatchObject({ unpublished: true, deletedAt: expect.any(Date) });
      await publisher.pass(Date.now());
      expect(lastPublished(`policy/${id}`)).toEqual({ type: 'policy.deleted', teamId: team._id, policyId: id });
    });
  });
});
