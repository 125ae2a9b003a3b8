import type { SilenceConfig } from '@alertlark/contracts';
import { ConfigView, type ConfigFeed } from '@alertlark/kafka';
import type { JsonLogger } from '@alertlark/service-kit';
import { RoutingCatalog } from './routing-catalog';

describe('RoutingCatalog: silences', () => {
  const t0 = Date.parse('2026-12-07T00:00:00Z');
  const silence = (id: string, endsAt: number): SilenceConfig => ({
    id,
    teamId: 't1',
    matchers: ['alertname="Disk"'],
    startsAt: new Date(t0 - 60_000).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    createdBy: 'ops',
    comment: '',
  });
  const catalogOf = (view: ConfigView) => new RoutingCatalog({ view } as unknown as ConfigFeed, { event: () => undefined } as unknown as JsonLogger);

  it('stops handing out a silence once it has ended, without a configuration change', () => {
    const view = new ConfigView(() => t0);
    view.apply({ type: 'silence.upserted', silence: silence('short', t0 + 1_000) });
    view.apply({ type: 'silence.upserted', silence: silence('long', t0 + 3_600_000) });
    const catalog = catalogOf(view);
    expect(catalog.silencesOf('t1', t0).map((s) => s.id)).toEqual(['short', 'long']);
    expect(catalog.silencesOf('t1', t0 + 999).map((s) => s.id)).toEqual(['short', 'long']);
    expect(catalog.silencesOf('t1', t0 + 1_000).map((s) => s.id)).toEqual(['long']);
    expect(catalog.silencesOf('t1', t0 + 3_600_000)).toEqual([]);
  });

  it('does not compile silences that ended before the configuration changed', () => {
    const view = new ConfigView(() => t0);
    view.apply({ type: 'silence.upserted', silence: silence('ended', t0 - 1) });
    view.apply({ type: 'silence.upserted', silence: silence('pending', t0 + 60_000) });
    expect(catalogOf(view).silencesOf('t1', t0).map((s) => s.id)).toEqual(['pending']);
  });

  it('takes an ended silence back when a later event extends it', () => {
    const view = new ConfigView(() => t0);
    view.apply({ type: 'silence.upserted', silence: silence('s1', t0 + 1_000) });
    const catalog = catalogOf(view);
    expect(catalog.silencesOf('t1', t0 + 2_000)).toEqual([]);
    view.apply({ type: 'silence.upserted', silence: silence('s1', t0 + 600_000) });
    expect(catalog.silencesOf('t1', t0 + 2_000).map((s) => s.id)).toEqual(['s1']);
  });
});
