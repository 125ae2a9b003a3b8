import type { NotificationPolicyConfig } from '@alertlark/contracts';
import { ConfigView } from './config.view';

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
});
