import type { Model } from 'mongoose';

const DUPLICATE_KEY = 11000;

/**
 * An unpatched FerretDB 1.24 never answers an `update` command of 100 statements or more (it holds
 * a pooled connection per statement; the stack's build closes each at once, tools/stack/README.md),
 * so a bulk write of updates goes in chunks of this many, which MongoDB takes as well.
 */
export const UPDATES_PER_COMMAND = 50;

interface WriteErrors {
  code?: number;
  writeErrors?: { code?: number; index?: number; err?: { code?: number; index?: number } }[];
}

function onlyDuplicates(error: unknown): boolean {
  const { code, writeErrors } = error as WriteErrors;
  if (writeErrors?.length) return writeErrors.every((entry) => (entry.code ?? entry.err?.code) === DUPLICATE_KEY);
  return code === DUPLICATE_KEY;
}

/** Indexes of the documents an unordered insert refused as duplicates. */
function duplicateIndexes(error: unknown, count: number): number[] {
  const { writeErrors } = error as WriteErrors;
  if (!writeErrors?.length) return count === 1 ? [0] : [];
  return writeErrors.map((entry) => entry.index ?? entry.err?.index).filter((index): index is number => index !== undefined);
}

/**
 * Inserts documents whose `_id` makes them idempotent; one already there (a redelivery) is
 * skipped. One insert for the whole batch rather than an upsert each: one round trip, and the first
 * version of an entry is the one kept.
 */
export async function insertOnce<T extends { _id: string }>(model: Model<T>, documents: readonly T[]): Promise<void> {
  if (documents.length === 0) return;
  try {
    await model.insertMany(documents as T[], { ordered: false, lean: true });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}

/**
 * Writes the latest version of each document, whole: one insert for them all, then a replace of
 * each one already there. A read model mostly receives new documents (a storm's alerts), and on
 * FerretDB an insert costs a fraction of an update by `_id`; updates go 50 to a command
 * (UPDATES_PER_COMMAND).
 */
export async function saveLatest<T extends { _id: string }>(model: Model<T>, documents: readonly T[]): Promise<void> {
  if (documents.length === 0) return;
  let existing: T[] = [];
  try {
    await model.insertMany(documents as T[], { ordered: false, lean: true });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
    const indexes = duplicateIndexes(error, documents.length);
    if (indexes.length === 0) throw error;
    existing = indexes.map((index) => documents[index]!);
  }
  for (let start = 0; start < existing.length; start += UPDATES_PER_COMMAND) {
    const chunk = existing.slice(start, start + UPDATES_PER_COMMAND);
    await model.bulkWrite(
      chunk.map((document) => ({ replaceOne: { filter: { _id: document._id }, replacement: document } })) as Parameters<Model<T>['bulkWrite']>[0],
      { ordered: false },
    );
  }
}
