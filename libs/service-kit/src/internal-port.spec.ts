import { internalPort } from './env';
import { servedOn } from './internal-port';

describe('servedOn: each port answers its own paths', () => {
  it.each(['/metrics', '/METRICS', '/metrics/', '/internal/config', '/Internal/Config/'])('%s: internal port only', (path) => {
    expect(servedOn(true, path)).toBe(true);
    expect(servedOn(false, path)).toBe(false);
  });

  it.each(['/healthz', '/readyz', '/readyz/'])('%s: both ports', (path) => {
    expect(servedOn(true, path)).toBe(true);
    expect(servedOn(false, path)).toBe(true);
  });

  it.each(['/api/v2/alerts', '/api/v1/teams', '/', '/ui/app.js', '/metricsx', '/internals'])('%s: public port only', (path) => {
    expect(servedOn(false, path)).toBe(true);
    expect(servedOn(true, path)).toBe(false);
  });
});

describe('internalPort', () => {
  it('the configured one, else the public port + 1000', () => {
    expect(internalPort(3001, 9101, 'INGEST_INTERNAL_PORT')).toBe(9101);
    expect(internalPort(3001, undefined, 'INGEST_INTERNAL_PORT')).toBe(4001);
    expect(internalPort(0, undefined, 'INGEST_INTERNAL_PORT')).toBe(0);
  });

  it('refuses a default past the last port, naming the variable to set', () => {
    expect(() => internalPort(65000, undefined, 'STATS_INTERNAL_PORT')).toThrow('invalid configuration: STATS_INTERNAL_PORT: the default (port 65000 + 1000) is not a port; set it');
  });
});
