import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * Every repository leans on reads, updates and deletes by `_id` staying cheap as collections grow
 * (alert states, groups, pending notifications). On the stack's FerretDB that holds only with the
 * `_id` index patch in tools/stack/stack.sh; on MongoDB it always holds.
 */
describe('lookups by _id on the real MongoDB-compatible server', () => {
  const database = `id_lookup_${randomBytes(4).toString('hex')}`;
  let connection: mongoose.Connection;

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('use the _id index instead of scanning the collection', async () => {
    const collection = connection.collection<{ _id: string; n: number }>('lookups');
    await collection.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `team/${n}`, n })));
    const explained = await connection.db!.command({ explain: { find: 'lookups', filter: { _id: 'team/7' } } });
    const plan = JSON.stringify(explained['queryPlanner']);
    // FerretDB reports SQLite's plan ("SEARCH … USING INDEX"), MongoDB an IDHACK or index scan stage.
    expect(plan).toMatch(/USING INDEX|IDHACK|IXSCAN|EXPRESS_IXSCAN|CLUSTERED_IXSCAN/);
    expect(plan).not.toMatch(/detail=SCAN|COLLSCAN/);
  });
});
