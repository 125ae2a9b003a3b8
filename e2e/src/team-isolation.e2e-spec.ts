import { randomBytes } from 'node:crypto';
import { requestJson } from '@alertlark/testing';
import { alertPartition } from '@alertlark/kafka';
import { createTeamOnPartition, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, type WebhookAlert } from './support/lark-bots';

/**
 * Teams share the pipeline but never wait on each other: another team's storm, or its policy with
 * a regex that backtracks exponentially in a JavaScript engine, must not hold up a team's card.
 */
describe('team isolation: one team storms or saves a hostile regex, another team still gets its card within 5 s', () => {
  let fleet: Fleet;
  let noisy: { id: string; apiToken: string; ingestToken: string };
  let quiet: { id: string; apiToken: string; ingestToken: string };
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    fleet = await startFleet(31000);
    noisy = await fleet.createTeam(`noisy-${run}`);
    // On the noisy team's partition: the storm is read ahead of its alerts.
    quiet = await createTeamOnPartition(fleet, `quiet-${run}`, (partition) => partition === alertPartition(noisy.id));
    await waitForConfig(fleet, 'ingest', `team/${noisy.id}`);
    await waitForConfig(fleet, 'ingest', `team/${quiet.id}`);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  /** Posts one alert for the quiet team and answers how long its card took to arrive. */
  async function quietCardAfter(bot: Awaited<ReturnType<typeof createBot>>, alertname: string, already: number): Promise<number> {
    const posted = Date.now();
    await postWebhook(fleet, quiet.ingestToken, [{ labels: { alertname, instance: 'db-1', severity: 'critical' } }]);
    const cards = await bot.cards(already + 1, 30_000);
    expect(cardText(cards[already]!)).toContain(alertname);
    return Date.parse(cards[already]!.receivedAt) - posted;
  }

  it("during another team's 10,000-alert storm, a team's alert reaches its bot within 5 s", async () => {
    const stormBot = await createBot(fleet, noisy.apiToken, 'storm');
    await createPolicy(fleet, noisy.apiToken, { name: 'storm', matchers: [`run="${run}"`], objectIds: [stormBot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '5s', repeatInterval: '1h' });
    const quietBot = await createBot(fleet, quiet.apiToken, 'quiet');
    await createPolicy(fleet, quiet.apiToken, { name: 'quiet', matchers: [`alertname="Quiet_${run}"`], objectIds: [quietBot.objectId], groupWait: '1s', groupInterval: '5s', repeatInterval: '1h' });

    const storm: WebhookAlert[] = Array.from({ length: 10_000 }, (_, i) => ({ labels: { alertname: `Storm_${i % 500}`, instance: `host-${i}`, severity: 'critical', run } }));
    const posting = (async () => {
      for (let start = 0; start < storm.length; start += 256) await postWebhook(fleet, noisy.ingestToken, storm.slice(start, start + 256));
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const latency = await quietCardAfter(quietBot, `Quiet_${run}`, 0);
    await posting;
    expect(latency).toBeLessThan(5_000);
    // The storm itself was routed: its bot is being served too.
    expect((await stormBot.cards(1, 60_000)).length).toBeGreaterThan(0);
  }, 180_000);

  it('after another team saves host=~"(a+)+b" (valid RE2, accepted) and fires a matching-shaped alert, a team still gets its card within 5 s', async () => {
    const hostileBot = await createBot(fleet, noisy.apiToken, 'hostile');
    const policy = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, {
      token: noisy.apiToken,
      body: { name: 'hostile', matchers: ['host=~"(a+)+b"'], objectIds: [hostileBot.objectId], groupWait: '1s' },
    });
    // Alertmanager accepts this matcher, so the console does too.
    expect(policy.status).toBe(201);
    await waitForConfig(fleet, 'policy-router', `policy/${policy.body.id}`);
    await postWebhook(fleet, noisy.ingestToken, [{ labels: { alertname: `Hostile_${run}`, host: `${'a'.repeat(34)}c` } }]);

    const quietBot = await createBot(fleet, quiet.apiToken, 'after-hostile');
    await createPolicy(fleet, quiet.apiToken, { name: 'after-hostile', matchers: [`alertname="AfterHostile_${run}"`], objectIds: [quietBot.objectId], groupWait: '1s' });
    expect(await quietCardAfter(quietBot, `AfterHostile_${run}`, 0)).toBeLessThan(5_000);
    // The hostile policy matched nothing: no card for its bot.
    expect(await hostileBot.messages()).toHaveLength(0);
  }, 120_000);
});
