import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@alertlark/testing';
import { startPrometheus, type RunningPrometheus } from './support/prometheus';

interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}
interface Received {
  at: number;
  authorization: string | undefined;
  alerts: PrometheusAlert[];
}

/** The first port from `from` that nothing listens on (so parallel runs and `npm start` do not clash). */
async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createNetServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}..${from + 99}`);
}

// Only the helper and Prometheus' own behaviour: a plain HTTP server stands in for ingest, so this
// holds whatever the router does with what it receives.
describe('a real Prometheus sends its alerts like to an Alertmanager (startPrometheus)', () => {
  const token = `alk_ingest_${randomBytes(8).toString('hex')}`;
  const received: Received[] = [];
  let receiver: Server;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/api/v2/alerts') {
          received.push({ at: Date.now(), authorization: request.headers.authorization, alerts: JSON.parse(body) as PrometheusAlert[] });
        }
        response.writeHead(200).end(); // Alertmanager's own answer: 200, empty body
      });
    });
    const receiverPort = await freePort(17093);
    await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
    prometheus = await startPrometheus({
      port: await freePort(17190),
      ingestUrl: `http://127.0.0.1:${receiverPort}`,
      ingestToken: token,
      rules: [
        'groups:',
        '  - name: smoke',
        '    rules:',
        '      - alert: AlwaysFiring',
        '        expr: vector(1)',
        '        for: 0s',
        '        labels: { severity: warning }',
        '        annotations: { summary: "always firing, for the smoke test" }',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('POSTs the firing alert to /api/v2/alerts with the bearer token, and re-sends it', async () => {
    const firstPost = await waitFor('a POST from Prometheus', async () => received[0], 15_000);
    expect(firstPost.authorization).toBe(`Bearer ${token}`);
    const alert = firstPost.alerts.find((a) => a.labels.alertname === 'AlwaysFiring');
    expect(alert).toMatchObject({ labels: { alertname: 'AlwaysFiring', severity: 'warning' }, annotations: { summary: 'always firing, for the smoke test' } });
    expect(Date.parse(alert!.startsAt)).toBeLessThanOrEqual(firstPost.at);
    // No endsAt of "0001-01-01" as in Alertmanager webhooks: a firing alert expires unless re-sent.
    expect(Date.parse(alert!.endsAt)).toBeGreaterThan(firstPost.at);
    expect(alert!.generatorURL).toMatch(/^http:\/\/.+\/graph\?g0\.expr=vector%281%29/);

    // The same alert again, same startsAt: the router has to treat repeats as one alert.
    await waitFor('a second POST', async () => received.length >= 2 || undefined, 15_000);
    const again = received[1].alerts.find((a) => a.labels.alertname === 'AlwaysFiring');
    expect(again?.startsAt).toBe(alert!.startsAt);
    expect(received.every((post) => post.authorization === `Bearer ${token}`)).toBe(true);
  });
});
