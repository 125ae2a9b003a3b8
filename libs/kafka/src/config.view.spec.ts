import type { NotificationPolicyConfig } from '@alertlark/contracts';
import type { SilenceConfig } from '@alertlark/contracts';
import { ConfigView, DELETED_IDS_KEPT, ENDED_SILENCES_PRUNE_MS } from './config.view';

const policy = (id: string, teamId: string): NotificationPolicyConfig => ({
  id,
  teamId,
  name: id,
  matchers: [],
  objectIds: ['o1'],
  sendResolved: true,
  enabled: true,
});

describe('ConfigView', () => {
  it('finds a team by ingest token hash, and forgets the old hash when the token rotates', () => {
    const view = new ConfigView();
    view.apply({ type: 'team.upserted', team: { id: 't1', name: 'a', ingestTokenHash: 'h1' } });
    expect(view.teamByIngestTokenHash('h1')?.id).toBe('t1');
    view.apply({ type: 'team.upserted', team: { id: 't1', name: 'a', ingestTokenHash: 'h2' } });
    expect(view.teamByIngestTokenHash('h1')).toBeUndefined();
    expect(view.teamByIngestTokenHash('h2')?.id).toBe('t1');
  });

  it('scopes objects and policies to their team', () => {
    const view = new ConfigView();
    view.apply({ type: 'object.upserted', object: { id: 'o1', teamId: 't1', name: 'bot', webhookUrlEncrypted: 'x', keywords: [] } });
    view.apply({ type: 'policy.upserted', policy: policy('p1', 't1') });
    view.apply({ type: 'policy.upserted', policy: policy('p2', 't2') });
    expect(view.notificationObject('t1', 'o1')?.name).toBe('bot');
    expect(view.notificationObject('t2', 'o1')).toBeUndefined();
    expect(view.policiesOf('t1').map((p) => p.id)).toEqual(['p1']);
    expect(view.has('policy/p2')).toBe(true);
  });

  it('drops everything of a deleted team and counts revisions', () => {
    const view = new ConfigView();
    view.apply({ type: 'team.upserted', team: { id: 't1', name: 'a', ingestTokenHash: 'h1' } });
    view.apply({ type: 'policy.upserted', policy: policy('p1', 't1') });
    view.apply({ type: 'team.deleted', teamId: 't1' });
    expect(view.policiesOf('t1')).toEqual([]);
    expect(view.teamByIngestTokenHash('h1')).toBeUndefined();
    expect(view.getRevision()).toBe(3);
  });

  it('remembers only the newest DELETED_IDS_KEPT deleted chatbots and teams', () => {
    const view = new ConfigView();
    for (let i = 0; i <= DELETED_IDS_KEPT; i++) view.apply({ type: 'object.deleted', teamId: 't1', objectId: `o${i}` });
    expect(view.isDeletedObject('o0')).toBe(false);
    expect(view.isDeletedObject('o1')).toBe(true);
    expect(view.isDeletedObject(`o${DELETED_IDS_KEPT}`)).toBe(true);
    // Deleted again, an id is the newest: the next one past the bound forgets o2, not it.
    view.apply({ type: 'object.deleted', teamId: 't1', objectId: 'o1' });
    view.apply({ type: 'object.deleted', teamId: 't1', objectId: 'extra' });
    expect(view.isDeletedObject('o1')).toBe(true);
    expect(view.isDeletedObject('o2')).toBe(false);

    for (let i = 0; i <= DELETED_IDS_KEPT; i++) view.apply({ type: 'team.deleted', teamId: `t${i}` });
    expect(view.isDeletedTeam('t0')).toBe(false);
    expect(view.isDeletedTeam(`t${DELETED_IDS_KEPT}`)).toBe(true);
  });

  it('drops ended silences at most every ENDED_SILENCES_PRUNE_MS, and takes one back when a later event extends it', () => {
    let now = Date.parse('2026-12-07T00:00:00Z');
    const view = new ConfigView(() => now);
    const silence = (id: string, endsInMs: number): SilenceConfig => ({
      id,
      teamId: 't1',
      matchers: ['alertname="Disk"'],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + endsInMs).toISOString(),
      createdBy: 'ops',
      comment: '',
    });
    view.apply({ type: 'silence.upserted', silence: silence('s1', 1_000) });
    view.apply({ type: 'silence.upserted', silence: silence('s2', 3_600_000) });
    now += 2_000;
    // s1 has ended, but the last scan was under a minute ago.
    expect(view.silencesOf('t1').map((s) => s.id)).toEqual(['s1', 's2']);
    now += ENDED_SILENCES_PRUNE_MS;
    expect(view.silencesOf('t1').map((s) => s.id)).toEqual(['s2']);
    expect(view.has('silence/s1')).toBe(false);

    view.apply({ type: 'silence.upserted', silence: silence('s1', 600_000) });
    expect(view.silencesOf('t1').map((s) => s.id).sort()).toEqual(['s1', 's2']);
  });
});
