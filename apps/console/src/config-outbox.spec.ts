import { configEventSchema, webhookKey } from '@alertlark/contracts';
import type { InhibitionRuleRecord, NotificationObjectRecord, NotificationPolicyRecord, SilenceRecord, Team } from '@alertlark/persistence';
import { configEventOf } from './config-events';
import { outboxEventOf } from './config-outbox';

const at = (iso: string) => new Date(iso);
const published = { version: 2, publishedVersion: 1, unpublished: true as const };
const deletedAt = at('2026-12-01T00:00:00Z');

const team: Team = { _id: 'team_1', name: 'payments', apiTokenHash: 'api-hash', ingestTokenHash: 'ingest-hash', createdAt: at('2026-11-01T00:00:00Z'), ...published };
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
  ...published,
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
  ...published,
};
const silence: SilenceRecord = {
  _id: 'sil_1',
  teamId: 'team_1',
  matchers: ['alertname="Disk"'],
  startsAt: at('2026-11-01T00:00:00Z'),
  endsAt: at('2026-11-01T01:00:00Z'),
  comment: 'maintenance',
  createdBy: 'ops',
  createdAt: at('2026-11-01T00:00:00Z'),
  updatedAt: at('2026-11-01T00:00:00Z'),
  ...published,
};
const rule: InhibitionRuleRecord = {
  _id: 'inh_1',
  teamId: 'team_1',
  name: 'node down',
  sourceMatchers: ['alertname="NodeDown"'],
  targetMatchers: ['severity="warning"'],
  equal: ['instance'],
  createdAt: at('2026-11-01T00:00:00Z'),
  updatedAt: at('2026-11-01T00:00:00Z'),
  ...published,
};

const webhookUrl = 'https://open.feishu.cn/open-apis/bot/v2/hook/0b1c2d3e-4f50-6172-8394-a5b6c7d83456';
/** Opens the one sealed URL of these rows; anything else was sealed under another key. */
const secrets = {
  open: (sealed: string) => {
    if (sealed !== 'sealed-url') throw new Error('Unsupported state or unable to authenticate data');
    return webhookUrl;
  },
};

describe('configEventOf', () => {
  it('tells the services what they need and nothing of the console bookkeeping, the outbox, the API token or the webhook token', () => {
    const events = [configEventOf.team(team), configEventOf.policy(policy), configEventOf.object(object, secrets)];
    for (const event of events) expect(configEventSchema.parse(event)).toEqual(event);
    expect(events[0]).toEqual({ type: 'team.upserted', team: { id: 'team_1', name: 'payments', ingestTokenHash: 'ingest-hash' } });
    expect(JSON.stringify(events)).not.toMatch(/api-hash|createdAt|updatedAt|webhookTokenTail|0b1c2d3e|version|unpublished|deletedAt/i);
    expect(events[2]).toEqual({
      type: 'object.upserted',
      object: { id: 'nobj_1', teamId: 'team_1', name: 'ops', webhookUrlEncrypted: 'sealed-url', webhookKey: webhookKey(webhookUrl), keywords: ['alert'] },
    });
  });

  it('publishes a chatbot whose URL cannot be unsealed without a webhook key rather than not at all', () => {
    const event = configEventOf.object({ ...object, webhookUrlEncrypted: 'sealed-under-another-key' }, secrets);
    expect(configEventSchema.parse(event)).toEqual(event);
    expect(event).toEqual({ type: 'object.upserted', object: expect.not.objectContaining({ webhookKey: expect.anything() }) });
  });
});

describe('outboxEventOf: what a row in the outbox yields', () => {
  it('a live row: its upsert, as configEventOf builds it', () => {
    expect(outboxEventOf.team(team)).toEqual(configEventOf.team(team));
    expect(outboxEventOf.object(object, secrets)).toEqual(configEventOf.object(object, secrets));
    expect(outboxEventOf.policy(policy)).toEqual(configEventOf.policy(policy));
    expect(outboxEventOf.silence(silence)).toEqual(configEventOf.silence(silence));
    expect(outboxEventOf.inhibitionRule(rule)).toEqual(configEventOf.inhibitionRule(rule));
  });

  it('a tombstone: the delete of its kind, under the same key as its upserts', () => {
    const deletes = [
      outboxEventOf.team({ ...team, deletedAt }),
      outboxEventOf.object({ ...object, deletedAt }, secrets),
      outboxEventOf.policy({ ...policy, deletedAt }),
      outboxEventOf.inhibitionRule({ ...rule, deletedAt }),
    ];
    expect(deletes).toEqual([
      { type: 'team.deleted', teamId: 'team_1' },
      { type: 'object.deleted', teamId: 'team_1', objectId: 'nobj_1' },
      { type: 'policy.deleted', teamId: 'team_1', policyId: 'npol_1' },
      { type: 'inhibition-rule.deleted', teamId: 'team_1', ruleId: 'inh_1' },
    ]);
    for (const event of deletes) expect(configEventSchema.parse(event)).toEqual(event);
  });

  it('a deleted silence yields nothing: the contract has no silence delete, its team.deleted drops it', () => {
    expect(outboxEventOf.silence({ ...silence, deletedAt })).toBeNull();
  });
});
