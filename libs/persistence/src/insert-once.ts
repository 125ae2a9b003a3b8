import type { Model } from 'mongoose';

const DUPLICATE_KEY = 11000;

function onlyDuplicates(error: unknown): boolean {
  const { code, writeErrors } = error as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
  if (writeErrors?.length) return writeErrors.every((entry) => (entry.code ?? entry.err?.code) === DUPLICATE_KEY);
  return code === DUPLICATE_KEY;
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
