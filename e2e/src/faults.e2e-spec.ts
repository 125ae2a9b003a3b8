import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@alertlark/kafka';
import { WORKSPACE_ROOT, cardGroupCounts, requestJson, shownGroupCounts, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { SERVICES, diagnose, portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, sleep, type EmulatorMessage, type TestBot } from './support/lark-bots';

/**
 * Faults on the real stack, each end to end: Kafka restarted mid-flow, the MongoDB-compatible server
 * restarted mid-flow, and lark-sender sent SIGTERM with the database down and a card in flight. No
 * alert ingest accepted is lost, and every service recovers without being restarted.
 */
describe('faults on the real stack', () => {
  const run = randomBytes(3).toString('hex');
  // A stack of its own, on this spec's ports: stopping its servers disturbs no other test.
  const stackEnv = {
    ALERTLARK_STACK_DIR: path.join(tmpdir(), `alertlark-faults-${run}`),
    ALERTLARK_KAFKA_PORT: '32092',
    ALERTLARK_KAFKA_CONTROLLER_PORT: '32093',
    ALERTLARK_MONGO_PORT: '32017',
  };
  const stack = async (...args: string[]) => {
    // Without KAFKA_BROKERS and MONGO_URL, which would make stack.sh use those servers instead.
    const { KAFKA_BROKERS: _kafka, MONGO_URL: _mongo, ...env } = process.env;
    await promisify(execFile)('bash', [path.join(WORKSPACE_ROOT, 'tools/stack/stack.sh'), ...args], { cwd: WORKSPACE_ROOT, env: { ...env, ...stackEnv } });
  };
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `faults-${run}`);
  const extra: RunningProcess[] = [];
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };

  beforeAll(async () => {
    await stack('up');
    // Topics made and led before the services start (see ingest-input's outage test).
    await ensureTopics(new Kafka({ clientId: 'e2e-faults', brokers: ['127.0.0.1:32092'], logLevel: logLevel.NOTHING }));
    fleet = await startFleet(32000, {
      KAFKA_BROKERS: '127.0.0.1:32092',
      MONGO_URL: 'mongodb://127.0.0.1:32017/alertlark',
      // A request Lark holds stays in flight through the shutdown test's SIGTERM, longer than 15 s.
      LARK_REQUEST_TIMEOUT_MS: '30000',
    });
    team = await fleet.createTeam(`faults-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(extra.map((process) => process.stop()));
    await fleet?.stop();
    await stack('down');
    rmSync(stackEnv.ALERTLARK_STACK_DIR, { recursive: true, force: true });
  });

  /** A bot and a policy sending it the alerts named `<prefix>N`, grouped by alertname. */
  const flow = async (prefix: string): Promise<TestBot> => {
    const bot = await createBot(fleet, team.apiToken, prefix);
    await createPolicy(fleet, team.apiToken, { name: prefix, matchers: [`alertname=~"${prefix}.*"`], objectIds: [bot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '3s', repeatInterval: '4h' });
    return bot;
  };

  /** Every service still the process the fleet started, and ready again. */
  const expectRecovered = async () => {
    for (const process of fleet.processes) expect([process.name, process.child.exitCode, process.child.signalCode]).toEqual([process.name, null, null]);
    await Promise.all(SERVICES.map((service) => waitReady(`${fleet.url[service]}/readyz`, 60_000)));
  };

  it('Kafka restarted mid-flow: every accepted alert reaches the chat, and the first new card comes within 10 s of Kafka being back', async () => {
    const prefix = `KafkaFault${run}N`;
    const bot = await flow(prefix);
    const alerts = trickle(fleet, team.ingestToken, prefix);
    await sleep(4_000);
    const stopped = Date.now();
    await stack('stop', 'kafka');
    await sleep(3_000);
    await stack('start', 'kafka');
    const back = Date.now();
    process.stdout.write(`Kafka away for ${back - stopped} ms\n`);
    // A group of its own, posted once Kafka is back and again while ingest answers 503, as
    // Alertmanager would: its card is the first that only a Kafka back at work can send.
    const probe = `${prefix}Back`;
    await waitFor('ingest to accept again', async () => (await postAlert(fleet, team.ingestToken, probe)) || undefined, 60_000, 0);
    await sleep(10_000);
    const posted = await alerts.stop();

    expect(posted.accepted).toBeGreaterThan(0);
    await chatShows(fleet, bot, prefix, posted);
    const [card] = await waitFor('the probe\'s card', async () => {
      const cards = (await bot.messages()).filter((message) => cardGroupCounts(message.body).has(probe));
      return cards.length > 0 ? cards : undefined;
    }, 30_000);
    const delayMs = Date.parse(card!.receivedAt) - back;
    process.stdout.write(`Kafka back to first new card: ${delayMs} ms; ${posted.accepted} of ${posted.sent} posts accepted\n`);
    // The target. kafkajs restarts each consumer as a new member when Kafka went away: the
    // group the broker reloads still lists the old one and waits its session timeout before
    // assigning (10.7-11.9 s here with 10 s; the services' default is now the broker's least, 6 s).
    expect(delayMs).toBeLessThanOrEqual(10_000);
    await expectRecovered();
  }, 180_000);

  it('FerretDB restarted mid-flow: every accepted alert reaches the chat, and cards flow again', async () => {
    const prefix = `MongoFault${run}N`;
    const bot = await flow(prefix);
    const alerts = trickle(fleet, team.ingestToken, prefix);
    await sleep(4_000);
    await stack('stop', 'ferretdb');
    await sleep(5_000);
    await stack('start', 'ferretdb');
    const back = alerts.mark();
    await sleep(12_000);
    const posted = await alerts.stop();

    // Ingest needs no database: it accepts throughout.
    expect(posted.accepted).toBe(posted.sent);
    const messages = await chatShows(fleet, bot, prefix, posted);
    const firstNew = messages.find((message) => message.accepted && [...cardGroupCounts(message.body).values()].some((firing) => firing > back.sent));
    process.stdout.write(`FerretDB back to first new card: ${Date.parse(firstNew!.receivedAt) - back.at} ms\n`);
    await expectRecovered();
  }, 180_000);

  it('SIGTERM with the database down and a card in flight: lark-sender ends within 15 s, and its successor sends the card once', async () => {
    const prefix = `Held${run}N`;
    const bot = await flow(prefix);
    // Lark holds the bot's requests, and the sender waits 30 s for an answer.
    await requestJson('POST', `${fleet.url.emulator}/_emulator/faults`, { body: { token: bot.token, faults: Array.from({ length: 5 }, () => ({ kind: 'timeout', ms: 60_000 })) } });
    expect((await requestJson('POST', `${fleet.url.ingest}/api/v2/alerts`, { token: team.ingestToken, body: [{ labels: { alertname: `${prefix}0`, instance: 'held' } }] })).status).toBe(200);
    await waitFor('a request in flight to Lark', async () => (await allMessages(fleet, bot.token)).length > 0 || undefined, 30_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; services: ${await diagnose(fleet)}`);
    });

    await stack('stop', 'ferretdb');
    const sender = fleet.processes.find((process) => process.name === 'lark-sender')!;
    const signalled = Date.now();
    await sender.stop(30_000);
    const tookMs = Date.now() - signalled;
    process.stdout.write(`lark-sender ended ${tookMs} ms after SIGTERM\n`);
    // Its own exit (Nest re-raises SIGTERM once shut down), not the SIGKILL `stop` sends at 30 s.
    expect([sender.child.signalCode, tookMs < 15_000]).toEqual(['SIGTERM', true]);
    expect(await bot.messages()).toEqual([]);

    await requestJson('DELETE', `${fleet.url.emulator}/_emulator/faults`);
    await stack('start', 'ferretdb');
    const successor = startProcess('lark-sender-successor', 'lark-sender', { ...fleet.env, ...portEnv('lark-sender', 32050) }, logDir);
    extra.push(successor);
    await waitReady('http://127.0.0.1:32050/readyz', 90_000);
    const [card] = await bot.cards(1, 60_000);
    expect(JSON.stringify(card!.body)).toContain(`${prefix}0`);
    // Exactly once: the held requests were never accepted, and nothing sends it again.
    await sleep(5_000);
    expect(await bot.messages()).toHaveLength(1);
  }, 180_000);
});

const allMessages = async (fleet: Fleet, token: string) =>
  (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${token}`)).body.messages;

const ALERTNAMES = 4;

/** One alert of its own group; true if ingest accepted it. */
async function postAlert(fleet: Fleet, ingestToken: string, alertname: string): Promise<boolean> {
  const answer = await requestJson('POST', `${fleet.url.ingest}/api/v2/alerts`, { token: ingestToken, body: [{ labels: { alertname } }] }).catch(() => undefined);
  return answer !== undefined && answer.status >= 200 && answer.status < 300;
}

interface Posted {
  /** POSTs made, each one alert of every alertname. */
  sent: number;
  /** POSTs ingest answered 2xx: each of their alerts must reach the chat. */
  accepted: number;
}

/**
 * 20 alerts a second: every 200 ms one POST with an alert of each of `ALERTNAMES` alertnames, a new
 * instance each time, so a group's firing count is the number of POSTs that reached it. POSTs are
 * not awaited one by one: during an outage ingest answers 503 after up to 5 s.
 */
function trickle(fleet: Fleet, ingestToken: string, prefix: string) {
  let sent = 0;
  let accepted = 0;
  const answers: Promise<void>[] = [];
  const timer = setInterval(() => {
    const instance = `i${sent++}`;
    const body = Array.from({ length: ALERTNAMES }, (_, name) => ({ labels: { alertname: `${prefix}${name}`, instance } }));
    answers.push(
      requestJson('POST', `${fleet.url.ingest}/api/v2/alerts`, { token: ingestToken, body })
        .then((answer) => {
          if (answer.status >= 200 && answer.status < 300) accepted++;
        })
        .catch(() => undefined),
    );
  }, 200);
  return {
    /** Now, and how many POSTs were made until now. */
    mark: () => ({ at: Date.now(), sent }),
    stop: async (): Promise<Posted> => {
      clearInterval(timer);
      await Promise.all(answers);
      return { sent, accepted };
    },
  };
}

/**
 * Waits until every group's card shows at least the alerts ingest accepted (and no more than were
 * posted), then returns the bot's requests in order.
 */
async function chatShows(fleet: Fleet, bot: TestBot, prefix: string, posted: Posted): Promise<EmulatorMessage[]> {
  const names = Array.from({ length: ALERTNAMES }, (_, name) => `${prefix}${name}`);
  const shown = () => bot.messages().then((messages) => shownGroupCounts(messages));
  await waitFor('every accepted alert shown in the chat', async () => {
    const counts = await shown();
    return names.every((name) => (counts.get(name)?.firing ?? 0) >= posted.accepted) || undefined;
  }, 90_000, 1_000).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; shown: ${JSON.stringify(Object.fromEntries(await shown()))}; accepted ${posted.accepted} of ${posted.sent}; services: ${await diagnose(fleet)}`);
  });
  const counts = await shown();
  for (const name of names) expect(counts.get(name)!.firing).toBeLessThanOrEqual(posted.sent);
  return (await allMessages(fleet, bot.token)).sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
}
