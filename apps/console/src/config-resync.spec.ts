import { configEventSchema, webhookKey, type ConfigEvent } from '@alertlark/contracts';
import type { EventPublisher } from '@alertlark/kafka';
import type {
  InhibitionRuleRepository,
  NotificationObjectRecord,
  NotificationObjectRepository,
  NotificationPolicyRecord,
  NotificationPolicyRepository,
  SilenceRepository,
  Team,
  TeamRepository,
} from '@alertlark/persistence';
import { UnsealError, type SealedField, type SealedOwner, type SecretBox } from '@alertlark/secrets';
import type { JsonLogger } from '@alertlark/service-kit';
import { configEventOf, deleteAnnounced, updateAnnounced, type DeleteAnnouncement } from './config-events';
import { ConfigResync } from './config-resync';

const at = (iso: string) => new Date(iso);

const team: Team = { _id: 'team_1', name: 'payments', apiTokenHash: 'api-hash', ingestTokenHash: 'ingest-hash', createdAt: at('2026-11-01T00:00:00Z') };
const policy: NotificationPolicyRecord = {
  _id: 'npol_1',
  teamId: 'team_1',
  name: 'critical',
  matchers: ['severity="critical"'],
  objectIds: ['nobj_1'],
  sendResolved: true,
  enabled: true,
  createdAt: at('2026-11-01T00:00:00Z'),
  updatedAt: at('2026-11-02T00:00:00Z'),
};
const object: NotificationObjectRecord = {
  _id: 'nobj_1',
  teamId: 'team_1',
  name: 'ops',
  webhookUrlEncrypted: 'sealed-url',
  webhookHost: 'https://open.feishu.cn',
  webhookTokenTail: '3456',
  keywords: ['alert'],
  createdAt: at('2026-11-01T00:00:00Z'),
  updatedAt: at('2026-11-01T00:00:00Z'),
};

const webhookUrl = 'https://open.feishu.cn/open-apis/bot/v2/hook/0b1c2d3e-4f50-6172-8394-a5b6c7d83456';
/** Opens the one sealed URL of these rows, for its own row and field only; anything else does not open. */
const secrets = {
  open: (sealed: string, owner: SealedOwner, field: SealedField) => {
    if (sealed !== 'sealed-url' || owner.teamId !== 'team_1' || owner.objectId !== 'nobj_1' || field !== 'webhookUrl') throw new UnsealError('does not open');
    return webhookUrl;
  },
};

describe('configEventOf', () => {
  it('tells the services what they need and nothing of the console bookkeeping, the API token or the webhook token', () => {
    const events = [configEventOf.team(team), configEventOf.policy(policy), configEventOf.object(object, secrets)];
    for (const event of events) expect(configEventSchema.parse(event)).toEqual(event);
    expect(events[0]).toEqual({ type: 'team.upserted', team: { id: 'team_1', name: 'payments', ingestTokenHash: 'ingest-hash' } });
    expect(JSON.stringify(events)).not.toMatch(/api-hash|createdAt|updatedAt|webhookTokenTail|0b1c2d3e/);
    expect(events[2]).toEqual({
      type: 'object.upserted',
      object: { id: 'nobj_1', teamId: 'team_1', name: 'ops', webhookUrlEncrypted: 'sealed-url', webhookKey: webhookKey(webhookUrl), keywords: ['alert'] },
    });
  });

  it.each([
    ['sealed under another key', { ...object, webhookUrlEncrypted: 'sealed-under-another-key' }],
    ["copied into another team's row", { ...object, teamId: 'team_2' }],
    ["copied into another chatbot's row", { ...object, _id: 'nobj_2' }],
  ])('publishes a chatbot whose URL cannot be unsealed (%s) without a webhook key rather than not at all', (_, row) => {
    const event = configEventOf.object(row, secrets);
    expect(configEventSchema.parse(event)).toEqual(event);
    expect(event).toEqual({ type: 'object.upserted', object: expect.not.objectContaining({ webhookKey: expect.anything() }) });
  });
});

describe('ConfigResync', () => {
  function setUp(rows: { teams?: Team[]; policies?: NotificationPolicyRecord[]; objects?: NotificationObjectRecord[] } = {}) {
    const asked: (Date | null)[] = [];
    /** Ids deleted, and rows changed, after `changedSince` read them. */
    const deletedSince = new Set<string>();
    const changedSince = new Map<string, unknown>();
    const repository = <T extends { _id: string }>(items: T[]) => {
      const now = async (id: string) => (deletedSince.has(id) ? null : (changedSince.get(id) ?? items.find((item) => item._id === id) ?? null));
      return {
        changedSince: async (since: Date | null) => {
          asked.push(since);
          return items;
        },
        get: now,
        byId: now,
      };
    };
    const published: ConfigEvent[][] = [];
    const logged: string[] = [];
    let failPublish = false;
    const publisher = {
      publish: async (_topic: unknown, messages: { value: ConfigEvent }[]) => {
        if (failPublish) throw new Error('kafka down');
        published.push(messages.map((message) => message.value));
      },
    };
    const resync = new ConfigResync(
      repository(rows.teams ?? []) as unknown as TeamRepository,
      repository(rows.objects ?? []) as unknown as NotificationObjectRepository,
      repository(rows.policies ?? []) as unknown as NotificationPolicyRepository,
      repository([]) as unknown as SilenceRepository,
      repository([]) as unknown as InhibitionRuleRepository,
      publisher as unknown as EventPublisher,
      secrets as unknown as SecretBox,
      { event: (level: string, message: string) => logged.push(`${level} ${message}`) } as unknown as JsonLogger,
      { CONSOLE_CONFIG_RESYNC_MS: 60_000 },
    );
    return { resync, asked, published, logged, deletedSince, changedSince, failing: (value: boolean) => (failPublish = value) };
  }

  it('republishes every row at first, then the rows changed since the previous pass began, a minute early', async () => {
    const { resync, asked, published } = setUp({ teams: [team], policies: [policy], objects: [object] });
    expect(await resync.pass(at('2026-11-24T10:00:00Z'))).toEqual({ republished: 3, full: true });
    expect(asked).toEqual([null, null, null, null, null]);
    expect(published).toEqual([[configEventOf.team(team), configEventOf.object(object, secrets), configEventOf.policy(policy)]]);
    asked.length = 0;
    await resync.pass(at('2026-11-24T10:01:00Z'));
    expect(asked).toEqual(Array(5).fill(at('2026-11-24T09:59:00Z')));
  });

  it('gives every chatbot row its webhook key on the first pass, rows stored before webhook keys existed included', async () => {
    const { resync, published } = setUp({ objects: [object] });
    await resync.pass();
    expect(published).toEqual([[{ type: 'object.upserted', object: expect.objectContaining({ id: 'nobj_1', webhookKey: webhookKey(webhookUrl) }) }]]);
  });

  it('keeps what is due when publishing fails, so the next pass sends it again', async () => {
    const { resync, asked, failing } = setUp({ policies: [policy] });
    failing(true);
    await expect(resync.pass(at('2026-11-24T10:00:00Z'))).rejects.toThrow('kafka down');
    failing(false);
    asked.length = 0;
    expect(await resync.pass(at('2026-11-24T10:01:00Z'))).toEqual({ republished: 1, full: true });
    expect(asked).toEqual([null, null, null, null, null]);
  });

  it('announces a row deleted since it was read as deleted, after republishing it', async () => {
    const { resync, published, deletedSince } = setUp({ teams: [team], policies: [policy], objects: [object] });
    deletedSince.add(policy._id);
    deletedSince.add(team._id);
    await resync.pass();
    expect(published).toEqual([
      [configEventOf.team(team), configEventOf.object(object, secrets), configEventOf.policy(policy)],
      [
        { type: 'team.deleted', teamId: 'team_1' },
        { type: 'policy.deleted', teamId: 'team_1', policyId: 'npol_1' },
      ],
    ]);
  });

  it('announces a row changed since it was read as it is now, after the older version', async () => {
    const { resync, published, changedSince } = setUp({ teams: [team] });
    const rotated: Team = { ...team, ingestTokenHash: 'rotated-hash' };
    changedSince.set(team._id, rotated);
    await resync.pass();
    expect(published).toEqual([[configEventOf.team(team)], [configEventOf.team(rotated)]]);
  });

  it('republishes everything at the next pass after a delete kept its rows', async () => {
    const { resync, asked } = setUp({ policies: [policy] });
    await resync.pass(at('2026-11-24T10:00:00Z'));
    resync.deleteAnnouncement.onRowsKept();
    asked.length = 0;
    expect(await resync.pass(at('2026-11-24T10:01:00Z'))).toEqual({ republished: 1, full: true });
    expect(asked).toEqual([null, null, null, null, null]);
    asked.length = 0;
    expect((await resync.pass(at('2026-11-24T10:02:00Z'))).full).toBe(false);
  });

  it('skips a row the config contract refuses, saying so, and republishes the others', async () => {
    const broken: NotificationPolicyRecord = { ...policy, _id: 'npol_broken', groupWait: 'soon' };
    const { resync, published, logged } = setUp({ policies: [broken, policy] });
    expect((await resync.pass()).republished).toBe(1);
    expect(published).toEqual([[configEventOf.policy(policy)]]);
    expect(logged).toEqual(['warn config row not republished: it fails the config contract']);
  });

  it('publishes a large configuration in batches of 500', async () => {
    const policies = Array.from({ length: 1201 }, (_, index) => ({ ...policy, _id: `npol_${index}` }));
    const { resync, published } = setUp({ policies });
    expect((await resync.pass()).republished).toBe(1201);
    expect(published.map((batch) => batch.length)).toEqual([500, 500, 201]);
  });
});

describe('deleteAnnounced and updateAnnounced', () => {
  const event: ConfigEvent = { type: 'policy.deleted', teamId: 'team_1', policyId: 'npol_1' };
  const recorder = () => {
    const steps: string[] = [];
    let calls = 0;
    const failing = new Map<number, string>();
    const publisher = {
      publish: async (_topic: unknown, messages: { key: string; value: ConfigEvent }[]) => {
        calls += 1;
        const failure = failing.get(calls);
        if (failure) throw new Error(failure);
        steps.push(`publish ${messages[0]!.value.type}`);
      },
    } as unknown as EventPublisher;
    const announcement: DeleteAnnouncement = { onLateFailure: (error) => steps.push(`late failure: ${String(error)}`), onRowsKept: () => steps.push('rows kept') };
    return { steps, publisher, announcement, failOn: (call: number, message: string) => failing.set(call, message) };
  };

  it('announces the delete, removes the rows, then announces it again', async () => {
    const { steps, publisher, announcement } = recorder();
    await deleteAnnounced(publisher, event, async () => void steps.push('remove'), announcement);
    expect(steps).toEqual(['publish policy.deleted', 'remove', 'publish policy.deleted']);
  });

  it('leaves the rows when the first announcement fails', async () => {
    const { steps, publisher, announcement, failOn } = recorder();
    failOn(1, 'kafka down');
    await expect(deleteAnnounced(publisher, event, async () => void steps.push('remove'), announcement)).rejects.toThrow('kafka down');
    expect(steps).toEqual([]);
  });

  it('asks for the rows to be announced again when removing them fails', async () => {
    const { steps, publisher, announcement } = recorder();
    const removing = async () => {
      throw new Error('mongo down');
    };
    await expect(deleteAnnounced(publisher, event, removing, announcement)).rejects.toThrow('mongo down');
    expect(steps).toEqual(['publish policy.deleted', 'rows kept']);
  });

  it('only reports a failed second announcement: the delete has happened', async () => {
    const { steps, publisher, announcement, failOn } = recorder();
    failOn(2, 'kafka gone');
    await deleteAnnounced(publisher, event, async () => void steps.push('remove'), announcement);
    expect(steps).toEqual(['publish policy.deleted', 'remove', 'late failure: Error: kafka gone']);
  });

  it('announces the delete again when the row an update published is gone by then', async () => {
    const { steps, publisher } = recorder();
    await updateAnnounced(publisher, configEventOf.policy(policy), async () => true, event);
    expect(steps).toEqual(['publish policy.upserted']);
    steps.length = 0;
    await updateAnnounced(publisher, configEventOf.policy(policy), async () => false, event);
    expect(steps).toEqual(['publish policy.upserted', 'publish policy.deleted']);
  });
});
