import { randomBytes } from 'node:crypto';
import type { NotificationObjectRecord, NotificationObjectRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import type { JsonLogger } from '@alertlark/service-kit';
import { legacySealed } from '@alertlark/testing';
import { SealedValuesMigration } from './sealed-values.migration';

const key = randomBytes(32);
const secrets = new SecretBox(key);
const url = (token: string) => `https://open.feishu.cn/open-apis/bot/v2/hook/${token}`;

function row(id: string, webhookUrlEncrypted: string): NotificationObjectRecord {
  return { _id: id, teamId: 't1', name: id, webhookUrlEncrypted, webhookHost: 'https://open.feishu.cn', keywords: [], createdAt: new Date(0), updatedAt: new Date(0), version: 1, publishedVersion: 1 };
}

/** The migration over rows kept in memory; `editedMeanwhile` rows change between the read and the write. */
function setUp(rows: NotificationObjectRecord[], options: { editedMeanwhile?: string[] } = {}) {
  const stored = new Map(rows.map((record) => [record._id, structuredClone(record)]));
  /** Rows the migration wrote: a write like any other, which the config outbox publishes again. */
  const written: string[] = [];
  const logged: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const objects = {
    allLive: async () => [...stored.values()].map((record) => structuredClone(record)),
    replaceSealed: async (teamId: string, id: string, read: Record<string, string>, sealed: Record<string, string>) => {
      const current = stored.get(id);
      if (options.editedMeanwhile?.includes(id) || current?.teamId !== teamId || Object.entries(read).some(([path, value]) => (current as unknown as Record<string, unknown>)[path] !== value)) return null;
      Object.assign(current, sealed, { version: current.version + 1, unpublished: true });
      written.push(id);
      return structuredClone(current);
    },
  };
  const logger = { event: (_level: string, message: string, fields: Record<string, unknown> = {}) => logged.push({ message, fields }) };
  const migration = new SealedValuesMigration(objects as unknown as NotificationObjectRepository, secrets, logger as unknown as JsonLogger);
  return { migration, stored, written, logged };
}

describe('SealedValuesMigration', () => {
  it('seals old rows again for their own row, writing exactly those (the outbox republishes them), logs the count, and does nothing the second time', async () => {
    const current = row('nobj_new', secrets.seal(url('new'), { teamId: 't1', objectId: 'nobj_new' }, 'webhookUrl'));
    const { migration, stored, written, logged } = setUp([row('nobj_a', legacySealed(key, url('a'))), current, row('nobj_b', legacySealed(key, url('b')))]);

    expect(await migration.run()).toEqual({ migrated: 2, unreadable: 0 });
    for (const id of ['nobj_a', 'nobj_b']) {
      expect(secrets.open(stored.get(id)!.webhookUrlEncrypted!, { teamId: 't1', objectId: id }, 'webhookUrl')).toBe(url(id.slice(-1)));
    }
    expect(stored.get('nobj_new')).toEqual(current);
    expect(written).toEqual(['nobj_a', 'nobj_b']);
    expect(stored.get('nobj_a')).toMatchObject({ version: 2, unpublished: true });
    expect(logged).toEqual([{ message: 'sealed values migrated', fields: { migrated: 2, unreadable: 0 } }]);

    expect(await migration.run()).toEqual({ migrated: 0, unreadable: 0 });
    expect(written).toHaveLength(2);
  });

  it('counts and names a row that does not open, and migrates the others', async () => {
    const { migration, stored, logged } = setUp([row('nobj_lost', legacySealed(randomBytes(32), url('lost'))), row('nobj_a', legacySealed(key, url('a')))]);
    expect(await migration.run()).toEqual({ migrated: 1, unreadable: 1 });
    expect(stored.get('nobj_lost')!.webhookUrlEncrypted).toMatch(/^v1\./);
    expect(logged).toContainEqual({ message: 'sealed value not migrated: it does not open; save the chatbot again', fields: expect.objectContaining({ objectId: 'nobj_lost', reason: expect.stringContaining('does not open') }) });
  });

  it('leaves a row edited since it was read to its editor', async () => {
    const { migration, written } = setUp([row('nobj_a', legacySealed(key, url('a')))], { editedMeanwhile: ['nobj_a'] });
    expect(await migration.run()).toEqual({ migrated: 0, unreadable: 0 });
    expect(written).toEqual([]);
  });

});
