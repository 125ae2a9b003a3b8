import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TOPICS, configEventKey, type ConfigEvent } from '@alertlark/contracts';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

/**
 * The console's configuration outbox: a change the API has answered reaches the services even when
 * the console is killed with SIGKILL right after answering (the next console, once the dead one's
 * lease has expired, publishes it), and per row the topic ends with the row as it is.
 */
describe('console config outbox: changes survive a console killed right after answering', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string };
  let recorder: TopicRecorder<ConfigEvent>;
  let consoleProcess: RunningProcess;
  let consoleUrl: string;
  const run = randomBytes(3).toString('hex');
  const extra: RunningProcess[] = [];
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `config-outbox-${run}`);
  const emulatorHook = (token: string) => `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`;

  const api = <T>(method: string, route: string, body?: unknown) => requestJson<T>(method, `${consoleUrl}/api/v1${route}`, { token: team.apiToken, body });

  /** SIGKILL, at once: whatever the console had not published yet is left in MongoDB only. */
  const killAndRestartConsole = async (port: number) => {
    await consoleProcess.kill();
    consoleProcess = startProcess(`console-${port}`, 'console', { ...fleet.env, ...portEnv('console', port) }, logDir);
    extra.push(consoleProcess);
    consoleUrl = `http://127.0.0.1:${port}`;
    await waitReady(`${consoleUrl}/readyz`, 90_000);
  };

  const waitForAbsence = (key: string) =>
    waitFor(
      `policy-router to drop ${key}`,
      async () => {
        const answer = await requestJson<{ present: boolean }>('GET', `${fleet.internalUrl['policy-router']}/internal/config?key=${encodeURIComponent(key)}`);
        return answer.body.present === false || undefined;
      },
      45_000,
    );

  /** The last record of each key on the topic, once `done` holds for them. */
  const lastRecords = async (what: string, done: (last: Map<string, ConfigEvent>) => boolean) => {
    const lastOf = (events: ConfigEvent[]) => new Map(events.map((event) => [configEventKey(event), event]));
    return lastOf(await recorder.until(what, (events) => done(lastOf(events)), 45_000));
  };

  beforeAll(async () => {
    fleet = await startFleet(31800, {}, { services: ['console', 'policy-router'] });
    consoleProcess = fleet.processes.find((process) => process.name === 'console')!;
    consoleUrl = fleet.url.console;
    team = await fleet.createTeam(`outbox-${run}`);
    recorder = await recordTopic<ConfigEvent>(fleet, TOPICS.config, (event) => JSON.stringify(event).includes(team.id));
  });

  afterAll(async () => {
    await recorder?.stop();
    if (team) await requestJson('DELETE', `${consoleUrl}/api/v1/teams/${team.id}`, { token: fleet.adminToken }).catch(() => undefined);
    await Promise.all(extra.map((process) => process.stop()));
    await fleet?.stop();
  });

  it('publishes creates, updates and deletes the killed console answered, each row ending as it is', async () => {
    const bot = await api<{ id: string }>('POST', '/notification-objects', { name: `ops-${run}`, webhookUrl: emulatorHook(`outbox-${run}`), keywords: [] });
    expect(bot.status).toBe(201);
    await killAndRestartConsole(31850);
    await waitForConfig(fleet, 'policy-router', `object/${bot.body.id}`);

    const policyBody = (name: string) => ({ name, matchers: [`alertname="Outbox_${run}"`], objectIds: [bot.body.id] });
    const policy = await api<{ id: string }>('POST', '/notification-policies', policyBody('first'));
    expect(policy.status).toBe(201);
    expect((await api('PUT', `/notification-policies/${policy.body.id}`, policyBody('second'))).status).toBe(200);
    expect((await api('PUT', `/notification-objects/${bot.body.id}`, { name: `ops-renamed-${run}` })).status).toBe(200);
    await killAndRestartConsole(31851);
    await waitForConfig(fleet, 'policy-router', `policy/${policy.body.id}`);
    // The first console may have published some of these before it was killed; the topic must end with the updates.
    const updated = await lastRecords('the updates as the last records on the topic', (last) => {
      const [policyNow, botNow] = [last.get(`policy/${policy.body.id}`), last.get(`object/${bot.body.id}`)];
      return policyNow?.type === 'policy.upserted' && policyNow.policy.name === 'second' && botNow?.type === 'object.upserted' && botNow.object.name === `ops-renamed-${run}`;
    });
    expect(updated.get(`policy/${policy.body.id}`)).toMatchObject({ type: 'policy.upserted', policy: { name: 'second', objectIds: [bot.body.id] } });

    expect((await api('DELETE', `/notification-policies/${policy.body.id}`)).status).toBe(204);
    expect((await api('DELETE', `/notification-objects/${bot.body.id}`)).status).toBe(204);
    expect((await api('GET', `/notification-objects/${bot.body.id}`)).status).toBe(404);
    await killAndRestartConsole(31852);
    await waitForAbsence(`policy/${policy.body.id}`);
    await waitForAbsence(`object/${bot.body.id}`);
    const deleted = await lastRecords('the deletes on the topic', (last) => last.get(`policy/${policy.body.id}`)?.type === 'policy.deleted' && last.get(`object/${bot.body.id}`)?.type === 'object.deleted');
    expect(deleted.get(`policy/${policy.body.id}`)).toEqual({ type: 'policy.deleted', teamId: team.id, policyId: policy.body.id });
    // Nothing of either row came after its delete.
    const events = recorder.values().map(configEventKey);
    expect(events.lastIndexOf(`policy/${policy.body.id}`)).toBe(recorder.values().findLastIndex((event) => event.type === 'policy.deleted'));
    expect(events.lastIndexOf(`object/${bot.body.id}`)).toBe(recorder.values().findLastIndex((event) => event.type === 'object.deleted'));
  });
});
