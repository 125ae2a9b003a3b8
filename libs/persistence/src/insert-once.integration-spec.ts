import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { insertOnce, saveLatest } from './insert-once';

interface Entry {
  _id: string;
  value: number;
  note?: string;
}

describe('insertOnce against the real MongoDB-compatible server', () => {
  const database = `insert_once_${randomBytes(4).toString('hex')}`;
  let connection: mongoose.Connection;
  let model: mongoose.Model<Entry>;

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    model = connection.model<Entry>('Entry', new Schema<Entry>({ _id: String, value: Number, note: String }, { versionKey: false }));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('inserts new documents and skips those already there, keeping the first version', async () => {
    await insertOnce(model, [{ _id: 'a', value: 1 }]);
    await insertOnce(model, [
      { _id: 'a', value: 2 },
      { _id: 'b', value: 3 },
    ]);
    await insertOnce(model, [{ _id: 'b', value: 4 }]);
    const stored = await model.find().sort({ _id: 1 }).lean().exec();
    expect(stored).toEqual([
      { _id: 'a', value: 1 },
      { _id: 'b', value: 3 },
    ]);
  });

  it('still fails on anything but a duplicate (here a field name the server refuses)', async () => {
    await expect(insertOnce(model, [{ _id: 'c', value: 5, $bad: 1 } as unknown as Entry])).rejects.toThrow();
  });

  it('saveLatest writes the latest whole version of many documents, new and already there', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `latest-${String(i).padStart(3, '0')}`);
    await saveLatest(model, ids.slice(0, 160).map((_id) => ({ _id, value: 1, note: 'first' })));
    // 160 already there (FerretDB never answered an update command of 100 statements or more), 90 new.
    await saveLatest(model, ids.map((_id) => ({ _id, value: 2 })));
    const stored = await model.find({ _id: { $in: ids } }).sort({ _id: 1 }).lean().exec();
    expect(stored).toEqual(ids.map((_id) => ({ _id, value: 2 })));
  }, 30_000);

  it('saveLatest still fails on anything but a duplicate', async () => {
    await expect(saveLatest(model, [{ _id: 'latest-bad', value: 5, $bad: 1 } as unknown as Entry])).rejects.toThrow();
  });
});
