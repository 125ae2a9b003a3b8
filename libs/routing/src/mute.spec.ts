import { toLabelPairs } from '@alertlark/contracts';
import { compileInhibitionRule, compileSilence, indexInhibitionSources, inhibitedBy, silenceState, silencedBy } from './mute';

const at = (iso: string) => Date.parse(iso);
const silence = (id: string, matchers: string[], startsAt = '2026-11-24T10:00:00Z', endsAt = '2026-11-24T12:00:00Z') =>
  compileSilence({ id, teamId: 't', matchers, startsAt, endsAt, comment: 'maintenance', createdBy: 'ops' });

describe('silences', () => {
  it.each([
    ['before the start', '2026-11-24T09:59:59Z', 'pending'],
    ['at the start', '2026-11-24T10:00:00Z', 'active'],
    ['just before the end', '2026-11-24T11:59:59.999Z', 'active'],
    ['at the end', '2026-11-24T12:00:00Z', 'expired'],
  ])('are %s %s', (_case, now, state) => {
    expect(silenceState(silence('s', ['a="b"']), at(now))).toBe(state);
  });

  it('mute an alert only while active and only when every matcher matches', () => {
    const silences = [silence('db', ['service="db"', 'severity=~"warn.*"']), silence('later', ['service="db"'], '2026-11-24T13:00:00Z', '2026-11-24T14:00:00Z')];
    const labels = toLabelPairs({ alertname: 'Slow', service: 'db', severity: 'warning' });
    expect(silencedBy(silences, labels, at('2026-11-24T11:00:00Z'))).toEqual(['db']);
    expect(silencedBy(silences, toLabelPairs({ service: 'db', severity: 'critical' }), at('2026-11-24T11:00:00Z'))).toEqual([]);
    expect(silencedBy(silences, labels, at('2026-11-24T12:30:00Z'))).toEqual([]);
    expect(silencedBy(silences, labels, at('2026-11-24T13:30:00Z'))).toEqual(['later']);
  });
});

describe('inhibition (Alertmanager inhibit_rules)', () => {
  const rule = compileInhibitionRule({
    id: 'node-down',
    teamId: 't',
    name: 'node down silences its warnings',
    sourceMatchers: ['alertname="NodeDown"'],
    targetMatchers: ['severity="warning"'],
    equal: ['instance'],
  });
  const alert = (fingerprint: string, labels: Record<string, string>) => ({ fingerprint, labels: toLabelPairs(labels) });
  const nodeDown = alert('s1', { alertname: 'NodeDown', instance: 'web-1', severity: 'critical' });

  it.each([
    ['a target with the same equal labels is inhibited', alert('t1', { alertname: 'DiskSlow', instance: 'web-1', severity: 'warning' }), [nodeDown], ['node-down']],
    ['a target on another instance is not', alert('t1', { alertname: 'DiskSlow', instance: 'web-2', severity: 'warning' }), [nodeDown], []],
    ['a non-target is not', alert('t1', { alertname: 'DiskSlow', instance: 'web-1', severity: 'critical' }), [nodeDown], []],
    ['nothing is inhibited without a firing source', alert('t1', { alertname: 'DiskSlow', instance: 'web-1', severity: 'warning' }), [], []],
    [
      'a label missing on both sides counts as equal',
      alert('t1', { alertname: 'DiskSlow', severity: 'warning' }),
      [alert('s2', { alertname: 'NodeDown', severity: 'critical' })],
      ['node-down'],
    ],
  ])('%s', (_case, target, firing, expected) => {
    expect(inhibitedBy([rule], target, firing)).toEqual(expected);
    // The index the router uses for many targets decides the same.
    expect(indexInhibitionSources(rule, firing).inhibits(target)).toBe(expected.length > 0);
  });

  it('never lets an alert inhibit itself, nor two alerts matching both sides inhibit each other', () => {
    const both = compileInhibitionRule({ id: 'r', teamId: 't', name: 'r', sourceMatchers: ['team="a"'], targetMatchers: ['team="a"'], equal: [] });
    const one = alert('x', { team: 'a', alertname: 'One' });
    const two = alert('y', { team: 'a', alertname: 'Two' });
    expect(inhibitedBy([both], one, [one])).toEqual([]);
    expect(inhibitedBy([both], one, [one, two])).toEqual([]);
    expect(indexInhibitionSources(both, [one]).inhibits(one)).toBe(false);
    expect(indexInhibitionSources(both, [one, two]).inhibits(one)).toBe(false);
  });

  it('indexes sources: the same decision as inhibitedBy for every target of a mixed set', () => {
    const severities = ['critical', 'warning', 'info'];
    const names = ['NodeDown', 'DiskSlow', 'CpuHigh'];
    const alerts = Array.from({ length: 54 }, (_, i) =>
      alert(`f${i}`, { alertname: names[i % 3]!, severity: severities[Math.floor(i / 3) % 3]!, ...(i % 6 === 5 ? {} : { instance: `web-${Math.floor(i / 9)}` }) }),
    );
    const mutual = compileInhibitionRule({ id: 'm', teamId: 't', name: 'm', sourceMatchers: ['severity=~"critical|warning"'], targetMatchers: ['severity=~"warning|info"'], equal: ['instance'] });
    for (const candidate of [rule, mutual]) {
      const index = indexInhibitionSources(candidate, alerts);
      for (const target of alerts) expect([target.fingerprint, index.inhibits(target)]).toEqual([target.fingerprint, inhibitedBy([candidate], target, alerts).length > 0]);
    }
  });
});
