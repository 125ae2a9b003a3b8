import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { insertOnce } from './insert-once';

interface Entry {
  _id: string;
  value: number;
}

describe('insertOnce against the real MongoDB-compatible server', () => {
  const database = `insert_once_${randomBytes(4).toString('hex')}`;
  let connection: mongoose.Connection;
  let model: mongoose.Model<Entry>;

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    model = connection.model<Entry>('Entry', new Schema<Entry>({ _id: String, value: Number }, { versionKey: false }));
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
});
