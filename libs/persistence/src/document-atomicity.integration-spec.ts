import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * MongoDB applies each single-document write atomically, and the code relies on it: the config
 * outbox marks a row published only if its version is still the one published, leases are taken
 * with findOneAndUpdate, counters are `$inc`. On the stack's FerretDB that holds only with the
 * atomic-writes patch in tools/stack/stack.sh: without it, concurrent writes to one document lost
 * one another.
 */
/** The one document each case writes from two loops. */
interface Row {
  _id: string;
  a?: number;
  b?: number;
  n?: number;
  version?: number;
  wonBy?: string[];
}

describe('single-document writes on the real MongoDB-compatible server', () => {
  const database = `atomicity_${randomBytes(4).toString('hex')}`;
  const WRITES = 150;
  let connection: mongoose.Connection;
  const rows = () => connection.collection<Row>('rows');

  /** Runs `write` WRITES times on each of two interleaved loops over separate pooled connections. */
  const twoWriters = (write: (writer: 'a' | 'b', n: number) => Promise<unknown>) =>
    Promise.all(
      (['a', 'b'] as const).map(async (writer) => {
        for (let n = 0; n < WRITES; n += 1) await write(writer, n);
      }),
    );

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url, { maxPoolSize: 8 }).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('keeps both of two concurrent updates of different fields of one document', async () => {
    await rows().insertOne({ _id: 'fields', a: 0, b: 0 });
    await twoWriters((writer) => rows().updateOne({ _id: 'fields' }, { $inc: { [writer]: 1 } }));
    expect(await rows().findOne({ _id: 'fields' })).toEqual({ _id: 'fields', a: WRITES, b: WRITES });
  });

  it('keeps every concurrent findOneAndUpdate of one document', async () => {
    await rows().insertOne({ _id: 'counter', n: 0 });
    const seen: number[] = [];
    await twoWriters(async () => {
      const after = await rows().findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
      seen.push(after!.n!);
    });
    expect((await rows().findOne({ _id: 'counter' }))?.n).toBe(2 * WRITES);
    // Each write saw its own result: no two returned the same count.
    expect(new Set(seen).size).toBe(2 * WRITES);
  });

  it('answers bulk writes of many statements to one collection at once, and reads meanwhile', async () => {
    // FerretDB kept a pooled connection per statement until the command ended: one command of 100
    // statements, or a few concurrent ones, took its pool of 100 and nothing on the database was
    // answered again (the lark-sender's ledger lookups waited for good).
    const ids = Array.from({ length: 60 }, (_, n) => `bulk/${n}`);
    await rows().insertMany(ids.map((_id) => ({ _id, n: 0 })));
    const bulk = () => rows().bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })), { ordered: false });
    const bulks = Array.from({ length: 4 }, bulk);
    const reads = Array.from({ length: 20 }, () => rows().find({ _id: { $in: ids.slice(0, 5) } }).toArray());
    await Promise.all([...bulks, ...reads, rows().bulkWrite(Array.from({ length: 150 }, (_, n) => ({ updateOne: { filter: { _id: ids[n % ids.length]! }, update: { $inc: { n: 1 } } } })))]);
    const counts = await rows().find({ _id: { $in: ids } }).toArray();
    expect(counts.reduce((sum, row) => sum + row.n!, 0)).toBe(4 * ids.length + 150);
  }, 30_000);

  it('lets exactly one of two writers win a compare-and-set on a version', async () => {
    await rows().insertOne({ _id: 'versioned', version: 0, wonBy: [] });
    let wins = 0;
    await twoWriters(async (writer) => {
      const current = await rows().findOne({ _id: 'versioned' });
      const result = await rows().updateOne({ _id: 'versioned', version: current!.version! }, { $inc: { version: 1 }, $push: { wonBy: writer } });
      wins += result.modifiedCount;
    });
    const row = await rows().findOne({ _id: 'versioned' });
    expect(row?.version).toBe(wins);
    expect(row?.wonBy).toHaveLength(wins);
  });
});
