import { randomBytes } from 'node:crypto';
import { requestJson } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, sleep } from './support/lark-bots';

/**
 * Alertmanager's grouping, de-duplication, repeats, resolve timeout, silences, inhibition and time
 * windows, through the real processes with short intervals (group wait 1s, interval 3s).
 */
describe('routing: grouping, de-duplication, silences, inhibition and time windows on the real stack', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  const run = randomBytes(3).toString('hex');
  const api = (path: string) => `${fleet.url.console}/api/v1${path}`;
  const fast = { groupWait: '1s', groupInterval: '3s', repeatInterval: '1h' };

  beforeAll(async () => {
    fleet = await startFleet(18000);
    team = await fleet.createTeam(`routing-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('sends one card per group after group wait, swallows re-sends, batches changes, then resolves once', async () => {
    const alertname = `Grouped_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'grouped');
    await createPolicy(fleet, team.apiToken, { name: 'grouped', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], ...fast });
    const alert = (instance: string, status: 'firing' | 'resolved' = 'firing') => ({ labels: { alertname, instance, severity: 'critical' }, status });

    const posted = Date.now();
    await postWebhook(fleet, team.ingestToken, [alert('web-1'), alert('web-2')]);
    await postWebhook(fleet, team.ingestToken, [alert('web-3')]);
    const [first] = await bot.cards(1);
    // Group wait: not before 1s, and all three alerts on the one card.
    expect(Date.parse(first!.receivedAt) - posted).toBeGreaterThanOrEqual(1_000);
    for (const instance of ['web-1', 'web-2', 'web-3']) expect(cardText(first!)).toContain(instance);

    // Alertmanager re-sends the same webhook: nothing new to say.
    await postWebhook(fleet, team.ingestToken, [alert('web-1'), alert('web-2'), alert('web-3')]);
    await sleep(4_000);
    expect(await bot.messages()).toHaveLength(1);

    // A new alert joins: one more card on the next group-interval tick, with all four.
    await postWebhook(fleet, team.ingestToken, [alert('web-4')]);
    const [, second] = await bot.cards(2);
    for (const instance of ['web-1', 'web-2', 'web-3', 'web-4']) expect(cardText(second!)).toContain(instance);
    expect(Date.parse(second!.receivedAt) - Date.parse(first!.receivedAt)).toBeGreaterThanOrEqual(2_900);

    await postWebhook(fleet, team.ingestToken, ['web-1', 'web-2', 'web-3', 'web-4'].map((instance) => alert(instance, 'resolved')));
    const [, , resolved] = await bot.cards(3);
    expect(cardText(resolved!)).toContain('"template":"green"');
    await sleep(4_000);
    expect(await bot.messages()).toHaveLength(3);
  });

  it('groups by the policy labels: one card per group, and ["..."] makes every alert its own group', async () => {
    const alertname = `ByCluster_${run}`;
    const byCluster = await createBot(fleet, team.apiToken, 'by-cluster');
    const each = await createBot(fleet, team.apiToken, 'each');
    await createPolicy(fleet, team.apiToken, { name: 'by cluster', matchers: [`alertname="${alertname}"`], groupBy: ['cluster'], objectIds: [byCluster.objectId], ...fast });
    await createPolicy(fleet, team.apiToken, { name: 'each', matchers: [`alertname="${alertname}"`], groupBy: ['...'], objectIds: [each.objectId], ...fast });
    await postWebhook(fleet, team.ingestToken, [
      { labels: { alertname, cluster: 'eu', instance: 'a' } },
      { labels: { alertname, cluster: 'eu', instance: 'b' } },
      { labels: { alertname, cluster: 'us', instance: 'c' } },
    ]);
    await byCluster.cards(2);
    await each.cards(3);
    await sleep(2_000);
    expect(await byCluster.messages()).toHaveLength(2);
    expect(await each.messages()).toHaveLength(3);
  });

  it('repeats an unchanged firing group after the repeat interval, on a group-interval tick', async () => {
    const alertname = `Repeated_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'repeated');
    await createPolicy(fleet, team.apiToken, { name: 'repeated', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '2s', repeatInterval: '5s' });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'x' } }]);
    const [first] = await bot.cards(1);
    await sleep(3_000);
    expect(await bot.messages()).toHaveLength(1);
    const [, repeat] = await bot.cards(2, 10_000);
    // The first tick at least 5s after the first card: 6s (ticks every 2s).
    const gap = Date.parse(repeat!.receivedAt) - Date.parse(first!.receivedAt);
    expect(gap).toBeGreaterThanOrEqual(5_000);
    expect(gap).toBeLessThan(8_500);
  });

  it("resolves a pushed alert whose endsAt passes without a resolved message (resolve timeout)", async () => {
    const alertname = `TimedOut_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'timed-out');
    await createPolicy(fleet, team.apiToken, { name: 'timed out', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], ...fast });
    // What Prometheus pushes: no status, an endsAt a few resend intervals ahead.
    const pushed = await requestJson('POST', `${fleet.url.ingest}/api/v2/alerts`, {
      token: team.ingestToken,
      body: [{ labels: { alertname, instance: 'y' }, annotations: { summary: 'will time out' }, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 4_000).toISOString() }],
    });
    expect(pushed.status).toBe(200);
    await bot.cards(1);
    const [, resolved] = await bot.cards(2, 15_000);
    expect(cardText(resolved!)).toContain('"template":"green"');
  });

  it('does not announce resolution when sendResolved is off', async () => {
    const alertname = `Quiet_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'quiet');
    await createPolicy(fleet, team.apiToken, { name: 'quiet', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], sendResolved: false, ...fast });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'q' } }]);
    await bot.cards(1);
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'q' }, status: 'resolved' }]);
    await sleep(5_000);
    expect(await bot.messages()).toHaveLength(1);
  });

  it('respects mute and active time intervals', async () => {
    const alertname = `Windowed_${run}`;
    const muted = await createBot(fleet, team.apiToken, 'muted');
    const inactive = await createBot(fleet, team.apiToken, 'inactive');
    const active = await createBot(fleet, team.apiToken, 'active');
    const allDay = { times: [{ start: '00:00', end: '24:00' }] };
    const lastYear = { years: [String(new Date().getUTCFullYear() - 1)] };
    await createPolicy(fleet, team.apiToken, { name: 'muted', matchers: [`alertname="${alertname}"`], objectIds: [muted.objectId], muteTimeIntervals: [allDay], ...fast });
    await createPolicy(fleet, team.apiToken, { name: 'inactive', matchers: [`alertname="${alertname}"`], objectIds: [inactive.objectId], activeTimeIntervals: [lastYear], ...fast });
    await createPolicy(fleet, team.apiToken, { name: 'active', matchers: [`alertname="${alertname}"`], objectIds: [active.objectId], activeTimeIntervals: [allDay], ...fast });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'w' } }]);
    await active.cards(1);
    await sleep(2_000);
    expect(await muted.messages()).toEqual([]);
    expect(await inactive.messages()).toEqual([]);
  });

  it('never sends a silenced alert, and sends it once its silence is expired', async () => {
    const alertname = `Silenced_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'silenced');
    await createPolicy(fleet, team.apiToken, { name: 'silenced', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], ...fast });
    const silence = await requestJson<{ id: string }>('POST', api('/silences'), {
      token: team.apiToken,
      body: { matchers: [`alertname="${alertname}"`, 'instance="s1"'], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance', createdBy: 'e2e' },
    });
    expect(silence.status).toBe(201);
    await waitForConfig(fleet, 'policy-router', `silence/${silence.body.id}`);
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 's1' } }]);
    await sleep(5_000);
    expect(await bot.messages()).toEqual([]);

    expect((await requestJson('DELETE', api(`/silences/${silence.body.id}`), { token: team.apiToken })).status).toBe(200);
    const [card] = await bot.cards(1, 10_000);
    expect(cardText(card!)).toContain('s1');
  });

  it('inhibits warnings on an instance while a critical source alert fires there', async () => {
    const source = `NodeDown_${run}`;
    const target = `DiskSlow_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'inhibited');
    const rule = await requestJson<{ id: string }>('POST', api('/inhibition-rules'), {
      token: team.apiToken,
      body: { name: 'node down', sourceMatchers: [`alertname="${source}"`], targetMatchers: [`alertname="${target}"`, 'severity="warning"'], equal: ['instance'] },
    });
    expect(rule.status).toBe(201);
    await waitForConfig(fleet, 'policy-router', `inhibition-rule/${rule.body.id}`);
    await createPolicy(fleet, team.apiToken, { name: 'disks', matchers: [`alertname="${target}"`], objectIds: [bot.objectId], ...fast });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname: source, instance: 'node-1', severity: 'critical' } }]);
    await sleep(500);
    await postWebhook(fleet, team.ingestToken, [
      { labels: { alertname: target, instance: 'node-1', severity: 'warning' } },
      { labels: { alertname: target, instance: 'node-2', severity: 'warning' } },
    ]);
    const [card] = await bot.cards(1);
    expect(cardText(card!)).toContain('node-2');
    expect(cardText(card!)).not.toContain('node-1');
  });

  it('shows firing and resolved alerts with their history in the console API', async () => {
    const alertname = `Tracked_${run}`;
    const bot = await createBot(fleet, team.apiToken, 'tracked');
    await createPolicy(fleet, team.apiToken, { name: 'tracked', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], ...fast });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 't1' } }]);
    await bot.cards(1);
    type AlertItem = { fingerprint: string; state: string; labels: Record<string, string>; history?: { kind: string }[] };
    // The console reads a read model that may lag the card by about a second (policy-router README).
    const readModel = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const value = await read();
        if (done(value) || Date.now() > deadline) return value;
        await sleep(100);
      }
    };
    const firing = await readModel(
      () => requestJson<{ items: AlertItem[] }>('GET', api('/alerts?state=firing&limit=100'), { token: team.apiToken }),
      (answer) => answer.body.items.some((item) => item.labels.alertname === alertname),
    );
    const mine = firing.body.items.find((item) => item.labels.alertname === alertname);
    expect(mine).toMatchObject({ state: 'firing', labels: { alertname, instance: 't1' } });

    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 't1' }, status: 'resolved' }]);
    await bot.cards(2);
    const detail = await readModel(
      () => requestJson<AlertItem>('GET', api(`/alerts/${mine!.fingerprint}`), { token: team.apiToken }),
      (answer) => answer.body.state === 'resolved' && (answer.body.history?.length ?? 0) >= 4,
    );
    expect(detail.body.state).toBe('resolved');
    expect(detail.body.history!.map((entry) => entry.kind).sort()).toEqual(['firing', 'notified', 'notified', 'resolved']);
    const resolvedList = await requestJson<{ items: AlertItem[] }>('GET', api('/alerts?state=resolved&limit=100'), { token: team.apiToken });
    expect(resolvedList.body.items.map((item) => item.fingerprint)).toContain(mine!.fingerprint);
  });
});
