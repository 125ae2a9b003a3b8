import type { ConfigEvent } from '@alertlark/contracts';
import type { ConfigOutboxQueries, InhibitionRuleRecord, NotificationObjectRecord, NotificationPolicyRecord, SilenceRecord, Team } from '@alertlark/persistence';
import type { SecretBox } from '@alertlark/secrets';
import { configEventOf } from './config-events';

/**
 * What the topic is told of a row's current state: its upsert, or for a tombstone its delete.
 * Null for a deleted silence: the contract has none (silences go only with their team, whose
 * `team.deleted` drops them everywhere).
 */
export const outboxEventOf = {
  team: (row: Team): ConfigEvent => (row.deletedAt ? { type: 'team.deleted', teamId: row._id } : configEventOf.team(row)),
  object: (row: NotificationObjectRecord, secrets: Pick<SecretBox, 'open'>): ConfigEvent =>
    row.deletedAt ? { type: 'object.deleted', teamId: row.teamId, objectId: row._id } : configEventOf.object(row, secrets),
  policy: (row: NotificationPolicyRecord): ConfigEvent => (row.deletedAt ? { type: 'policy.deleted', teamId: row.teamId, policyId: row._id } : configEventOf.policy(row)),
  silence: (row: SilenceRecord): ConfigEvent | null => (row.deletedAt ? null : configEventOf.silence(row)),
  inhibitionRule: (row: InhibitionRuleRecord): ConfigEvent =>
    row.deletedAt ? { type: 'inhibition-rule.deleted', teamId: row.teamId, ruleId: row._id } : configEventOf.inhibitionRule(row),
};

/** One kind of configuration row, as the publisher sees it. */
export interface OutboxSource {
  name: string;
  outbox: ConfigOutboxQueries<object>;
  eventOf: (row: never) => ConfigEvent | null;
}
