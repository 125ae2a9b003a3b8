import { firstVersion, tombstone, versioned } from './config-outbox';

const at = (iso: string) => new Date(iso);

describe('the config outbox version rules', () => {
  it('a new row is version 1, unpublished', () => {
    expect(firstVersion()).toEqual({ version: 1, publishedVersion: 0, unpublished: true });
  });

  it('every write takes the next version and marks the row unpublished, in the same update', () => {
    expect(versioned({ name: 'ops' })).toEqual({ $set: { name: 'ops', unpublished: true }, $inc: { version: 1 } });
    expect(versioned({ name: 'ops' }, ['card'])).toEqual({ $set: { name: 'ops', unpublished: true }, $inc: { version: 1 }, $unset: { card: 1 } });
  });

  it('a delete is a write: a tombstone one version on, to be published', () => {
    const now = at('2026-12-01T00:00:00Z');
    expect(tombstone(now)).toEqual({ $set: { deletedAt: now, updatedAt: now, unpublished: true }, $inc: { version: 1 } });
  });

});
