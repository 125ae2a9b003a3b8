import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConfigOutbox, LIVE, tombstone, versioned, type Unversioned } from './config-outbox';
import { NOTIFICATION_OBJECT_MODEL, type NotificationObjectDocument } from './notification-object.schema';

export type NotificationObjectRecord = NotificationObjectDocument;

/** Every query takes the team id: one team never reads another's chatbots. */
@Injectable()
export class NotificationObjectRepository {
  readonly outbox: ConfigOutbox<NotificationObjectRecord>;

  constructor(@InjectModel(NOTIFICATION_OBJECT_MODEL) private readonly objects: Model<NotificationObjectDocument>) {
    this.outbox = new ConfigOutbox(objects);
  }

  create(record: Unversioned<NotificationObjectRecord>): Promise<NotificationObjectRecord> {
    return this.outbox.insert(record);
  }

  get(teamId: string, id: string): Promise<NotificationObjectRecord | null> {
    return this.objects.findOne({ _id: id, teamId, ...LIVE }).lean<NotificationObjectRecord>().exec();
  }

  /** How many chatbots the team has (its cap, checked before a create). */
  countOfTeam(teamId: string): Promise<number> {
    return this.objects.countDocuments({ teamId, ...LIVE }).exec();
  }

  /**
   * Sets `set` and removes the `unset` fields of the team's chatbot (PUT /notification-objects/:id);
   * the chatbot as it is now, or null when the team has none with this id.
   */
  update(
    teamId: string,
    id: string,
    set: Partial<Omit<Unversioned<NotificationObjectRecord>, '_id' | 'teamId' | 'createdAt'>>,
    unset: ReadonlyArray<'secretEncrypted' | 'dailyStats' | 'card' | 'webhookUrlEncrypted' | 'webhookTokenTail' | 'app'> = [],
  ): Promise<NotificationObjectRecord | null> {
    return this.objects.findOneAndUpdate({ _id: id, teamId, ...LIVE }, versioned(set, unset), { new: true }).lean<NotificationObjectRecord>().exec();
  }

  /**
   * Replaces sealed values (paths such as `webhookUrlEncrypted`, `app.appIdEncrypted`) only while
   * each still holds the value read: a row edited meanwhile keeps its edit. The row as it is now,
   * or null when it changed or went. `updatedAt` is left alone: the values say the same.
   */
  replaceSealed(teamId: string, id: string, read: Readonly<Record<string, string>>, sealed: Readonly<Record<string, string>>): Promise<NotificationObjectRecord | null> {
    // A write like any other: the outbox publishes the row again with its new values.
    return this.objects.findOneAndUpdate({ _id: id, teamId, ...LIVE, ...read }, versioned(sealed), { new: true }).lean<NotificationObjectRecord>().exec();
  }

  /** Every live chatbot row, of every team (the sealed-values migration's one pass). */
  allLive(): Promise<NotificationObjectRecord[]> {
    return this.objects.find({ ...LIVE }).lean<NotificationObjectRecord[]>().exec();
  }

  /** `q` searches name and webhook host, case-insensitively. */
  list(teamId: string, page: { q?: string; limit: number; offset: number }): Promise<NotificationObjectRecord[]> {
    const filter = page.q
      ? { teamId, ...LIVE, $or: [{ name: { $regex: escapeRegex(page.q), $options: 'i' } }, { webhookHost: { $regex: escapeRegex(page.q), $options: 'i' } }] }
      : { teamId, ...LIVE };
    return this.objects.find(filter).sort({ name: 1, _id: 1 }).skip(page.offset).limit(page.limit).lean<NotificationObjectRecord[]>().exec();
  }

  /** Deletes the team's chatbot; false when the team has none with this id. */
  async delete(teamId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.objects.updateOne({ _id: id, teamId, ...LIVE }, tombstone(now)).exec();
    return result.matchedCount === 1;
  }

  async deleteAllOfTeam(teamId: string, now: Date): Promise<void> {
    await this.objects.updateMany({ teamId, ...LIVE }, tombstone(now)).exec();
  }

  /** The ids among `ids` that exist in this team. */
  async existingIds(teamId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = await this.objects.find({ teamId, _id: { $in: [...ids] }, ...LIVE }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    return new Set(found.map((record) => record._id));
  }

  /** The team's app bots posting to this chat (a callback from another chat of the same app). */
  appBotsInChat(teamId: string, chatId: string): Promise<NotificationObjectRecord[]> {
    return this.objects.find({ teamId, 'app.chatId': chatId }).lean<NotificationObjectRecord[]>().exec();
  }

  /** The row whatever its team, by `_id` alone so the index serves it (on FerretDB too). */
  byId(id: string): Promise<NotificationObjectRecord | null> {
    return this.objects.findOne({ _id: id, ...LIVE }).lean<NotificationObjectRecord>().exec();
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
