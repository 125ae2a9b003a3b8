import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { NotificationObjectRepository } from './notification-object.repository';
import { notificationObjectSchema, type NotificationObjectDocument } from './notification-object.schema';

/** The console's start-up migration writes sealed values, an app bot's inside `app`, only over the values it read. */
describe('NotificationObjectRepository.replaceSealed on the real MongoDB-compatible server', () => {
  const database = `sealed_${randomBytes(4).toString('hex')}`;
  let connection: mongoose.Connection;
  let repository: NotificationObjectRepository;
  const now = new Date('2026-11-01T00:00:00Z');
  const app = { appIdEncrypted: 'old-id', appIdTail: '_abc', appSecretEncrypted: 'old-secret', encryptKeyEncrypted: 'old-ek', verificationTokenEncrypted: 'old-vt', chatId: 'oc_1', baseUrl: 'https://open.feishu.cn' };
  const row = (id: string): NotificationObjectDocument => ({ _id: id, teamId: 't1', name: id, webhookHost: 'https://open.feishu.cn', app, keywords: [], createdAt: now, updatedAt: now, version: 1, publishedVersion: 1 });

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    repository = new NotificationObjectRepository(connection.model('NotificationObject', notificationObjectSchema));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it("replaces an app bot's sealed values inside app, keeping its other fields and updatedAt", async () => {
    await repository.create(row('nobj_app'));
    const replaced = await repository.replaceSealed('t1', 'nobj_app', { 'app.appIdEncrypted': 'old-id', 'app.appSecretEncrypted': 'old-secret' }, { 'app.appIdEncrypted': 'v2:id', 'app.appSecretEncrypted': 'v2:secret' });
    expect(replaced).toMatchObject({ app: { ...app, appIdEncrypted: 'v2:id', appSecretEncrypted: 'v2:secret' }, updatedAt: now });
    expect(await repository.get('t1', 'nobj_app')).toEqual(replaced);
  });

  it('writes nothing when a value changed since it was read, or for another team', async () => {
    await repository.create(row('nobj_edited'));
    expect(await repository.replaceSealed('t1', 'nobj_edited', { 'app.appIdEncrypted': 'what-was-read-before-an-edit' }, { 'app.appIdEncrypted': 'v2:id' })).toBeNull();
    expect(await repository.replaceSealed('t2', 'nobj_edited', { 'app.appIdEncrypted': 'old-id' }, { 'app.appIdEncrypted': 'v2:id' })).toBeNull();
    expect((await repository.get('t1', 'nobj_edited'))?.app?.appIdEncrypted).toBe('old-id');
  });
});
