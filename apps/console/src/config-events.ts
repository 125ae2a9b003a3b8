import { EVENTS, appChatKey, configEventKey, webhookKey, type ConfigEvent } from '@alertlark/contracts';
import type { EventPublisher } from '@alertlark/kafka';
import type { InhibitionRuleRecord, LarkAppDocument, NotificationObjectRecord, NotificationPolicyRecord, SilenceRecord, Team } from '@alertlark/persistence';
import type { SecretBox } from '@alertlark/secrets';
import { ownerOf } from './sealed-fields';

/**
 * The key of a chatbot's webhook, from its sealed URL: computed on every publication rather than
 * stored, so rows written before webhook keys existed get theirs from the config resync's first
 * pass. None when the URL cannot be unsealed (sealed under another ALERTLARK_SECRET_KEY, or copied
 * from another row): nothing can be sent to that chatbot anyway, and one such row must not stop the
 * others' publication.
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
 * The controllers and the config resync build their events here, so a republished row says
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
    const { _id: id, createdAt: _createdAt, updatedAt: _updatedAt, ...config } = record;
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

/**
 * Publishes configuration changes under their compacted keys. An upsert is published after its
 * MongoDB write, so a failure in between leaves the row for the config resync (config-resync.ts)
 * to publish.
 */
export function publishConfig(publisher: EventPublisher, ...events: ConfigEvent[]): Promise<void> {
  return publisher.publish(
    EVENTS.config,
    events.map((event) => ({ key: configEventKey(event), value: event })),
  );
}

export interface DeleteAnnouncement {
  /** The second announcement failed after the rows went: the delete has happened, so only report it. */
  onLateFailure: (error: unknown) => void;
  /** Removing the rows failed after the delete was announced: the rows must be announced again. */
  onRowsKept: () => void;
}

/**
 * A delete: announced, then the rows removed, then announced again. The first announcement means
 * a failure to announce leaves the rows in place (the caller gets 503 and can retry). The second
 * lands after any republication by a resync pass or an update that read the row before it went,
 * so the topic ends with the delete; a resync pass or update that publishes later finds the row
 * gone and announces the delete itself. If removing the rows fails, the services have dropped
 * rows that are still there, so they are announced again (`onRowsKept`).
 */
export async function deleteAnnounced(publisher: EventPublisher, event: ConfigEvent, removeRows: () => Promise<unknown>, announcement: DeleteAnnouncement): Promise<void> {
  await publishConfig(publisher, event);
  try {
    await removeRows();
  } catch (error) {
    announcement.onRowsKept();
    throw error;
  }
  await publishConfig(publisher, event).catch(announcement.onLateFailure);
}

/**
 * An update: published after its write, then, if the row has been deleted meanwhile (a delete
 * whose announcements may have landed before this update), the delete is announced again.
 */
export async function updateAnnounced(publisher: EventPublisher, event: ConfigEvent, stillThere: () => Promise<boolean>, deleted: ConfigEvent): Promise<void> {
  await publishConfig(publisher, event);
  if (!(await stillThere())) await publishConfig(publisher, deleted);
}
