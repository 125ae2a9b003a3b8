import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WORKSPACE_ROOT, startProcess, waitReady, type RunningProcess } from '@alertlark/testing';
import { internalUrlOf, portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, sleep } from './support/lark-bots';

/**
 * Durable group timers and shared partitions: a router killed with SIGKILL while groups wait
 * still sends each notification once and on time after a restart, and two routers together send
 * exactly what one would.
 */
describe('policy-router: durable timers across kill -9, and two replicas sharing the work', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  const run = randomBytes(3).toString('hex');
  const extra: RunningProcess[] = [];
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `router-resilience-${run}`);

  const startRouter = async (name: string, port: number) => {
    const router = startProcess(name, 'policy-router', { ...fleet.env, ...portEnv('policy-router', port) }, logDir);
    extra.push(router);
    await waitReady(`http://127.0.0.1:${port}/readyz`, 90_000);
    return router;
  };

  beforeAll(async () => {
    fleet = await startFleet(19000, { POLICY_ROUTER_SESSION_TIMEOUT_MS: '6000' });
    team = await fleet.createTeam(`resilience-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
  });

  afterAll(async () => {
    await Promise.all(extra.map((process) => process.stop()));
    await fleet?.stop();
  });

  it('sends a waiting group once and on time after the router is killed with SIGKILL and restarted', async () => {
    const alertname = `Survivor_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'survivor');
    await createPolicy(fleet, team.apiToken, { name: 'survivor', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '15s', groupInterval: '1m', repeatInterval: '1h' });
    const posted = Date.now();
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'a' } }, { labels: { alertname, instance: 'b' } }]);
    // Let both stages take the alerts in (the group timer is now in MongoDB), then crash.
    await sleep(3_000);
    const router = fleet.processes.find((process) => process.name === 'policy-router')!;
    await router.kill();
    expect(await bot.messages()).toEqual([]);
    await startRouter('policy-router-restarted', 19050);

    const [card] = await bot.cards(1, 40_000);
    const delay = Date.parse(card!.receivedAt) - posted;
    // On time: group wait is 15s; the restarted replica owns the partitions within the session timeout.
    expect(delay).toBeGreaterThanOrEqual(15_000);
    expect(delay).toBeLessThan(20_000);
    await sleep(5_000);
    expect(await bot.messages()).toHaveLength(1);
  });

  it('two routers sharing the partitions send exactly one card per group, as one router would', async () => {
    await startRouter('policy-router-second', 19051);
    const bot = await createBot(fleet, team.apiToken, 'shared');
    const prefix = `Shared_${run}_`;
    await createPolicy(
      fleet,
      team.apiToken,
      { name: 'shared', matchers: [`alertname=~"${prefix}.*"`], objectIds: [bot.objectId], groupWait: '2s', groupInterval: '1m', repeatInterval: '1h' },
      [internalUrlOf(19050), internalUrlOf(19051)],
    );
    // 12 groups of 3 alerts, spread over both replicas' partitions.
    const groups = Array.from({ length: 12 }, (_, index) => `${prefix}${index}`);
    await postWebhook(
      fleet,
      team.ingestToken,
      groups.flatMap((alertname) => ['x', 'y', 'z'].map((instance) => ({ labels: { alertname, instance } }))),
    );
    const cards = await bot.cards(groups.length, 60_000);
    await sleep(4_000);
    expect(await bot.messages()).toHaveLength(groups.length);
    for (const alertname of groups) {
      const mentions = new RegExp(`${alertname}(?![0-9])`);
      expect([alertname, cards.filter((card) => mentions.test(cardText(card))).length]).toEqual([alertname, 1]);
    }
  });
});
