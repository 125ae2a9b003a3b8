import { EVENTS, appChatKey, configEventKey, webhookKey, type ConfigEvent } from '@alertlark/contracts';
import type { EventPublisher } from '@alertlark/kafka';
import type { InhibitionRuleRecord, LarkAppDocument, NotificationObjectRecord, NotificationPolicyRecord, SilenceRecord, Team } from '@alertlark/persistence';
import type { SecretBox } from '@alertlark/secrets';
import { ownerOf } from './sealed-fields';

/**
 * The key of a chatbot's webhook, from its sealed URL: computed on every publication rather than
 * stored, so rows written before webhook keys existed get theirs when next published. None when the
 * URL cannot be unsealed (sealed under another ALERTLARK_SECRET_KEY, or copied from another row):
 * nothing can be sent to that chatbot anyway, and one such row must not stop the others' publication.
 */
function webhookKeyOf(record: NotificationObjectRecord, secrets: Pick<SecretBox, 'open'>): string | undefined {
  const owner = ownerOf(record);
  try {
    if (record.app) return appChatKey(secrets.open(record.app.appIdEncrypted, owner, 'app.appId'), record.app.chatId);
    return record.webhookUrlEncrypted ? webhookKey(secrets.open(record.webhookUrlEncrypted, owner, 'webhookUrl')) : undefined;
  } catch {
    return undefined;
  }
}

function appConfigOf(app: LarkAppDocument) {
  return { appIdEncrypted: app.appIdEncrypted, appSecretEncrypted: app.appSecretEncrypted, chatId: app.chatId, baseUrl: app.baseUrl };
}

/**
 * What the other services are told of each kind of row: the rows as the console stores them,
 * without its bookkeeping (timestamps, the API token hash), and a chatbot with its webhook's key.
 * The config publisher builds its events here (config-outbox.ts), so a republished row says
 * exactly what its first publication said.
 */
export const configEventOf = {
  team: (team: Team): ConfigEvent => ({ type: 'team.upserted', team: { id: team._id, name: team.name, ingestTokenHash: team.ingestTokenHash } }),
  object: (record: NotificationObjectRecord, secrets: Pick<SecretBox, 'open'>): ConfigEvent => {
    const key = webhookKeyOf(record, secrets);
    return {
      type: 'object.upserted',
      object: {
        id: record._id,
        teamId: record.teamId,
        name: record.name,
        ...(record.webhookUrlEncrypted ? { webhookUrlEncrypted: record.webhookUrlEncrypted } : {}),
        ...(record.app ? { app: appConfigOf(record.app) } : {}),
        ...(key ? { webhookKey: key } : {}),
        ...(record.secretEncrypted ? { secretEncrypted: record.secretEncrypted } : {}),
        keywords: record.keywords,
        ...(record.dailyStats ? { dailyStats: record.dailyStats } : {}),
        ...(record.card ? { card: record.card } : {}),
      },
    };
  },
  policy: (record: NotificationPolicyRecord): ConfigEvent => {
    const { _id: id, createdAt: _createdAt, updatedAt: _updatedAt, version: _version, publishedVersion: _published, unpublished: _unpublished, deletedAt: _deletedAt, ...config } = record;
    return { type: 'policy.upserted', policy: { id, ...config } };
  },
  silence: (record: SilenceRecord): ConfigEvent => ({
    type: 'silence.upserted',
    silence: {
      id: record._id,
      teamId: record.teamId,
      matchers: record.matchers,
      startsAt: record.startsAt.toISOString(),
      endsAt: record.endsAt.toISOString(),
      comment: record.comment,
      createdBy: record.createdBy,
    },
  }),
  inhibitionRule: (record: InhibitionRuleRecord): ConfigEvent => ({
    type: 'inhibition-rule.upserted',
    rule: {
      id: record._id,
      teamId: record.teamId,
      name: record.name,
      sourceMatchers: record.sourceMatchers,
      targetMatchers: record.targetMatchers,
      equal: record.equal,
    },
  }),
};

/** Publishes configuration events under their compacted keys (the config publisher's only way out). */
export function publishConfig(publisher: EventPublisher, ...events: ConfigEvent[]): Promise<void> {
  return publisher.publish(
    EVENTS.config,
    events.map((event) => ({ key: configEventKey(event), value: event })),
  );
}
