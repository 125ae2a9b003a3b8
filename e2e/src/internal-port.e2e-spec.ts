import { requestJson } from '@alertlark/testing';
import { SERVICES, startFleet, type Fleet, type ServiceName } from './support/fleet';

/** The services that follow the configuration topic, and so answer /internal/config. */
const CONFIG_FOLLOWERS: ServiceName[] = ['ingest', 'policy-router', 'lark-sender', 'stats'];

/**
 * Issue 14: metrics, readiness details and the applied configuration are for operators, on an
 * internal port of each service; its public port (ingest's is the one exposed to senders of
 * alerts) answers only its API and the health probes.
 */
describe('internal endpoints on an internal port, closed on the public one', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet(12100);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it.each([...SERVICES])('%s: the public port answers /metrics and /internal/config 404, as an unknown route, in any spelling', async (service) => {
    for (const path of ['/metrics', '/METRICS', '/metrics/', '/internal/config', '/internal/config?key=team/x', '/Internal/Config/']) {
      const answer = await requestJson<{ error: string }>('GET', `${fleet.url[service]}${path}`);
      expect({ path, status: answer.status, error: answer.body.error }).toEqual({ path, status: 404, error: 'not_found' });
    }
  });

  it.each([...SERVICES])('%s: the public port keeps /healthz, and a /readyz that tells ready or not and nothing more', async (service) => {
    expect((await requestJson('GET', `${fleet.url[service]}/healthz`)).status).toBe(200);
    const ready = await requestJson('GET', `${fleet.url[service]}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { ready: true } });
    expect(Object.keys(ready.body as object)).toEqual(['ready']);
  });

  it.each([...SERVICES])('%s: the internal port serves /metrics, and /readyz with each check', async (service) => {
    const metrics = await fetch(`${fleet.internalUrl[service]}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain(`process_cpu_user_seconds_total{service="${service}"}`);
    const ready = await requestJson<{ ready: boolean; checks: Record<string, boolean> }>('GET', `${fleet.internalUrl[service]}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, checks: { 'kafka-producer': true } });
  });

  it.each(CONFIG_FOLLOWERS)('%s: the internal port serves /internal/config', async (service) => {
    const answer = await requestJson<{ caughtUp: boolean; present: boolean }>('GET', `${fleet.internalUrl[service]}/internal/config?key=team/none`);
    expect(answer).toMatchObject({ status: 200, body: { caughtUp: true, key: 'team/none', present: false } });
  });

  it('the internal port serves nothing of the API', async () => {
    const alerts = await requestJson<{ error: string }>('POST', `${fleet.internalUrl.ingest}/api/v2/alerts`, { body: [] });
    expect(alerts).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const teams = await requestJson<{ error: string }>('GET', `${fleet.internalUrl.console}/api/v1/teams`, { token: fleet.adminToken });
    expect(teams).toMatchObject({ status: 404, body: { error: 'not_found' } });
    // While the public port still does.
    expect((await requestJson('GET', `${fleet.url.console}/api/v1/teams`, { token: fleet.adminToken })).status).toBe(200);
  });
});
