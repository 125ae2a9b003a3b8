import type { Model } from 'mongoose';

/**
 * What every configuration row (team, chatbot, policy, silence, inhibition rule) carries so the
 * console's config publisher can send what is unpublished, each row's current state, in order.
 */
export interface OutboxFields {
  /** One more on every write, in the same update as the write. */
  version: number;
  /** The version the config topic last received. */
  publishedVersion: number;
  /**
   * Set by every write, cleared with `publishedVersion` when that version is published: it stands
   * for `version > publishedVersion`, which FerretDB cannot query (no `$expr`) nor index.
   */
  unpublished?: true;
  /** A deleted row: kept, hidden from every read, until its delete is published. */
  deletedAt?: Date;
}

/** A row as the console writes it: the outbox fields are the repository's business. */
export type Unversioned<T> = Omit<T, keyof OutboxFields>;

export const outboxFieldDefinitions = {
  version: { type: Number, required: true },
  publishedVersion: { type: Number, required: true },
  unpublished: { type: Boolean },
  deletedAt: { type: Date },
};

/** Added to every read filter: a tombstone is no longer there for the console. */
export const LIVE = { deletedAt: { $exists: false } } as const;

/** The fields of a row on its first write. */
export function firstVersion(): Pick<OutboxFields, 'version' | 'publishedVersion' | 'unpublished'> {
  return { version: 1, publishedVersion: 0, unpublished: true };
}

/** The update of a write: its `$set` (and `$unset`), and the next version, due for publication. */
export function versioned(set: object, unset: readonly string[] = []) {
  return {
    $set: { ...set, unpublished: true },
    $inc: { version: 1 },
    ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((field) => [field, 1])) } : {}),
  };
}

/** The update of a delete: a tombstone, one version on, due for publication. */
export function tombstone(now: Date) {
  return versioned({ deletedAt: now, updatedAt: now });
}


/** One collection's outbox: the publisher's queries over its rows (ConfigOutbox without its model). */
export type ConfigOutboxQueries<Row> = Pick<ConfigOutbox<Row & { _id: string } & OutboxFields>, keyof ConfigOutbox<Row & { _id: string } & OutboxFields>>;

export class ConfigOutbox<Row extends { _id: string } & OutboxFields> {
  constructor(private readonly model: Model<Row>) {}

  /** Inserts a new row as its version 1, due for publication; returns the row as stored. */
  async insert(record: Unversioned<Row>): Promise<Row> {
    const row = { ...record, ...firstVersion() } as Row;
    await this.model.create(row);
    return row;
  }

  /** Rows written before the outbox (no version): each gets version 1, unpublished, so it goes out once. */
  async adoptUnversioned(): Promise<number> {
    const result = await this.model.updateMany({ version: { $exists: false } }, { $set: { ...firstVersion() } }).exec();
    return result.modifiedCount;
  }

  /** Up to `limit` rows whose current version the topic lacks, tombstones included. */
  unpublished(limit: number): Promise<Row[]> {
    return this.model.find({ unpublished: true }).sort({ _id: 1 }).limit(limit).lean<Row[]>().exec();
  }

  /** Records `version` as published, unless the row has been written since (then it stays due). */
  async markPublished(id: string, version: number): Promise<void> {
    await this.model.updateOne({ _id: id, version }, { $set: { publishedVersion: version }, $unset: { unpublished: 1 } }).exec();
  }

  /**
   * Makes rows due again, one version on, as if written: their publication may have landed after a
   * newer one (see the publisher), and a publisher that read them before cannot mark them published.
   */
  async republish(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.model.updateMany({ _id: { $in: [...ids] } }, { $set: { unpublished: true }, $inc: { version: 1 } }).exec();
  }

  /** Removes the tombstones deleted before `before` whose delete is published. */
  async purgeTombstones(before: Date): Promise<number> {
    const result = await this.model.deleteMany({ deletedAt: { $lte: before }, unpublished: { $exists: false } }).exec();
    return result.deletedCount;
  }
}
