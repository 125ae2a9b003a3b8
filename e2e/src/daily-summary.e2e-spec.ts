import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, sleep, type EmulatorMessage, type TestBot } from './support/lark-bots';

/**
 * Daily summaries posted through lark-sender at the configured times: one card per (chatbot, date,
 * time) with two stats processes and across restarts, a missed time posted late within the grace
 * window, and the day's counts from the projection.
 */
describe('stats: daily summaries, exactly once at each configured time', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let bot: TestBot;
  const run = randomBytes(3).toString('hex');
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `daily-summary-${run}`);
  const extra: RunningProcess[] = [];
  const statsEnv = { STATS_SUMMARY_MIN_SPREAD_MS: '0', STATS_SUMMARY_SPREAD_MS: '2000', STATS_SCHEDULE_POLL_MS: '500', STATS_SUMMARY_LATE_AFTER_MS: '20000' };

  const startStats = async (name: string, port: number) => {
    const stats = startProcess(name, 'stats', { ...fleet.env, ...portEnv('stats', port) }, logDir);
    extra.push(stats);
    await waitReady(`http://127.0.0.1:${port}/readyz`, 90_000);
    return stats;
  };
  const summaries = async () => (await bot.messages()).filter((message) => cardText(message).includes('Daily alert statistics'));
  const hhmm = (instant: number) => new Date(instant).toISOString().slice(11, 16);

  beforeAll(async () => {
    fleet = await startFleet(28000, statsEnv);
    team = await fleet.createTeam(`daily-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    await startStats('stats-2', 28060);
    bot = await createBot(fleet, team.apiToken, 'daily');
    await createPolicy(fleet, team.apiToken, { name: 'daily', matchers: [`alertname=~"Daily_${run}_.*"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' });
  });

  afterAll(async () => {
    await Promise.all(extra.map((process) => process.stop()));
    await fleet?.stop();
  });

  it('posts the day\'s counts late for a time just missed and on time for the next, once each, across two processes and a restart', async () => {
    // Three alerts fire (two groups), one of them resolves: total 3, resolved 1, unresolved 2.
    await postWebhook(fleet, team.ingestToken, [
      { labels: { alertname: `Daily_${run}_Disk`, instance: 'a', severity: 'warning' } },
      { labels: { alertname: `Daily_${run}_Disk`, instance: 'b', severity: 'warning' } },
      { labels: { alertname: `Daily_${run}_Down`, instance: 'c', severity: 'critical' } },
    ]);
    await bot.cards(2, 30_000);
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname: `Daily_${run}_Down`, instance: 'c', severity: 'critical' }, status: 'resolved' }]);
    await bot.cards(3, 30_000);
    const today = new Date().toISOString().slice(0, 10);
    await waitFor('the projection to count the day', async () => {
      const answer = await requestJson<{ days: { date: string; total: number; resolved: number }[] }>('GET', `${fleet.url.console}/api/v1/stats/daily?objectId=${bot.objectId}&from=${today}&to=${today}`, { token: team.apiToken });
      const day = answer.body.days?.find((entry) => entry.date === today);
      return day && day.total === 3 && day.resolved === 1 ? day : undefined;
    }, 30_000);

    // One time two minutes ago (missed: posted at once, late) and one at the next minute (on time).
    const now = Date.now();
    const missed = hhmm(now - 120_000);
    const next = hhmm(now + 60_000);
    const updated = await requestJson('PUT', `${fleet.url.console}/api/v1/notification-objects/${bot.objectId}`, {
      token: team.apiToken,
      body: { dailyStats: { enabled: true, times: [missed, next], timezone: 'UTC' } },
    });
    expect(updated.status).toBe(200);

    const [late] = await waitFor('the late summary', async () => ((await summaries()).length >= 1 ? summaries() : undefined), 30_000);
    const lateText = cardText(late!);
    expect(lateText).toContain(`Daily alert statistics · ${new Date(now - 120_000).toISOString().slice(0, 10)} ${missed}`);
    expect(lateText).toContain('Posted late');
    expect(lateText).toContain('**Total alerts**\\n**3**');
    expect(lateText).toContain('**Resolved**\\n**1**');
    expect(lateText).toContain('**Unresolved**\\n**2**');
    expect(lateText).toContain('Keywords: alert');

    const onTime = await waitFor('the on-time summary', async () => {
      const found = (await summaries()).find((message) => cardText(message).includes(` ${next}"`));
      return found;
    }, 90_000);
    const due = Date.parse(`${new Date(now + 60_000).toISOString().slice(0, 16)}:00Z`);
    expect(Date.parse(onTime.receivedAt)).toBeGreaterThanOrEqual(due);
    expect(Date.parse(onTime.receivedAt)).toBeLessThan(due + 15_000);
    expect(cardText(onTime)).not.toContain('Posted late');

    // Both stats processes saw both slots; a restart of every stats process posts neither again.
    for (const process of [fleet.processes.find((p) => p.name === 'stats')!, ...extra]) await process.kill();
    await startStats('stats-restarted', 28061);
    await sleep(5_000);
    const all: EmulatorMessage[] = await summaries();
    expect(all).toHaveLength(2);
  });
});
