import { actionTitle, confirmPage, errorPage, groupTitle, resultPage, type ActionLinkGroup } from './action-link.page';

const group = (overrides: Partial<ActionLinkGroup> = {}): ActionLinkGroup => ({
  groupLabels: [{ name: 'alertname', value: 'HighCPU' }],
  firing: 3,
  incident: null,
  ended: false,
  ...overrides,
});

describe('action-link pages', () => {
  it('title the group as its cards do', () => {
    expect(groupTitle(group())).toBe('[FIRING:3] HighCPU');
    expect(groupTitle(group({ firing: 0 }))).toBe('[RESOLVED] HighCPU');
    expect(groupTitle(group({ groupLabels: [{ name: 'service', value: 'db' }] }))).toBe('[FIRING:3] service=db');
    expect(actionTitle('silence', 4 * 3_600_000)).toBe('Silence for 4h');
    expect(actionTitle('claim')).toBe('Claim');
  });

  it('escape every label and name: a label value cannot inject markup into the page', () => {
    const hostile = group({ groupLabels: [{ name: 'alertname', value: '<script>alert(1)</script>' }, { name: 'x', value: '"><img src=x onerror=alert(1)>' }] });
    const html = confirmPage(hostile, 'claim', undefined, false) + resultPage(hostile, 'claim', undefined, '<b>Alice</b>', { outcome: 'applied', groupUrl: '/alert-groups/grp_1' });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Alice');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;Alice&lt;/b&gt; claimed');
  });

  it('confirm with a form that posts to the same URL, and warn when the link was made for an earlier incident', () => {
    const incident = { id: 'inc_1', openedAt: 0, state: 'claimed' as const, claimedBy: { name: 'Bob', verified: false }, claimedAt: 1, resolvedBy: null, resolvedAt: null, silence: null };
    const html = confirmPage(group({ incident }), 'resolve', undefined, true);
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="actor"');
    expect(html).toContain('Claimed by Bob (unverified).');
    expect(html).toContain('earlier incident');
    expect(confirmPage(group(), 'resolve', undefined, false)).not.toContain('earlier incident');
  });

  it('say what happened: done, refused with the reason, or still under way', () => {
    const url = '/alert-groups/grp_1';
    expect(resultPage(group(), 'silence', 3_600_000, 'Bob', { outcome: 'applied', groupUrl: url })).toContain('Bob silenced for 1h [FIRING:3] HighCPU.');
    expect(resultPage(group(), 'claim', undefined, 'Bob', { outcome: 'refused', reason: 'already claimed by Alice', groupUrl: url })).toContain('Not done: already claimed by Alice.');
    expect(resultPage(group(), 'claim', undefined, 'Bob', { outcome: 'pending', groupUrl: url })).toContain('on its way');
    expect(errorPage('The link has expired.')).toContain('Nothing was changed.');
  });
});
