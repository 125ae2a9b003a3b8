import { randomBytes } from 'node:crypto';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, sleep } from './support/lark-bots';
import { startPrometheus, type RunningPrometheus } from './support/prometheus';

/**
 * A real Prometheus evaluates a rule that always fires and pushes it to ingest's /api/v2/alerts
 * every couple of seconds: the chat gets one card per group, not one per push, until something
 * changes — here, Prometheus going away, so the alerts time out and one resolved card follows.
 */
describe('a real Prometheus pushing an always-firing rule', () => {
  let fleet: Fleet;
  let prometheus: RunningPrometheus | undefined;
  const run = randomBytes(3).toString('hex');
  const alertname = `AlwaysFiring_${run}`;

  beforeAll(async () => {
    fleet = await startFleet(20000);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await fleet?.stop();
  });

  it('sends exactly one card per group until the alerts stop, then one resolved card', async () => {
    const team = await fleet.createTeam(`prometheus-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    const bot = await createBot(fleet, team.apiToken, 'prometheus');
    await createPolicy(fleet, team.apiToken, {
      name: 'always firing',
      matchers: [`alertname="${alertname}"`],
      objectIds: [bot.objectId],
      // Both series come in one push; the wait leaves a loaded machine time to route both before the first flush.
      groupWait: '4s',
      groupInterval: '3s',
      repeatInterval: '1h',
    });
    // Two series, one group (grouped by alertname).
    const rules = [
      'groups:',
      '  - name: e2e',
      '    rules:',
      `      - alert: ${alertname}`,
      '        expr: label_replace(vector(1), "instance", "node-a", "", "") or label_replace(vector(1), "instance", "node-b", "", "")',
      '        labels: { severity: warning }',
      '        annotations: { summary: "always firing on {{ $labels.instance }}" }',
    ].join('\n');
    // A 2s evaluation interval: pushes every 2s with endsAt 8s ahead, so a slow test machine
    // cannot make an alert time out between two pushes.
    prometheus = await startPrometheus({ port: 20190, ingestUrl: fleet.url.ingest, ingestToken: team.ingestToken, rules, evaluationInterval: '2s' });

    const [card] = await bot.cards(1, 30_000);
    expect(cardText(card!)).toContain(alertname);
    // The instance label, not the graph link (whose query names both series).
    expect(cardText(card!)).toContain('**instance**: node-a');
    expect(cardText(card!)).toContain('**instance**: node-b');
    // Prometheus keeps pushing both alerts; several group-interval ticks pass without a new card.
    await sleep(12_000);
    expect(await bot.messages()).toHaveLength(1);

    await prometheus.stop();
    prometheus = undefined;
    const [, resolved] = await bot.cards(2, 30_000);
    expect(cardText(resolved!)).toContain('"template":"green"');
    await sleep(4_000);
    expect(await bot.messages()).toHaveLength(2);
  });
});
