import { randomBytes } from 'node:crypto';
import { requestJson, waitFor } from '@alertlark/testing';
import { routerStateContract, type RouterStateRecord } from '@alertlark/contracts';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, type EmulatorMessage } from './support/lark-bots';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

/**
 * A group cannot grow without end (issue 14): with POLICY_ROUTER_MAX_GROUP_MEMBERS=50, a group of
 * 500 alerts holds 50 member records, its card and the console still count all 500, and no
 * changelog record grows with the group.
 */
describe('a group past its member cap: an exact count, a bounded sample, small records', () => {
  const CAP = 50;
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let changelog: TopicRecorder<RouterStateRecord>;
  const run = randomBytes(3).toString('hex');
  const alertname = `Capped_${run}`;

  beforeAll(async () => {
    fleet = await startFleet(31500, { POLICY_ROUTER_MAX_GROUP_MEMBERS: String(CAP) });
    team = await fleet.createTeam(`group-cap-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    changelog = await recordTopic<RouterStateRecord>(fleet, routerStateContract(fleet.env.ALERTLARK_CONSUMER_GROUP_PREFIX!).topic, (value) => value.kind === 'group' ? value.groupKey.includes(alertname) : value.kind === 'member' ? value.groupKey.includes(alertname) : value.labels.some((pair) => pair.value === alertname));
  });

  afterAll(async () => {
    await changelog?.stop();
    await fleet?.stop();
  });

  /** The console's view of the group once its firing count is `firing` (its read model lags the card). */
  async function consoleGroupFiring(policyId: string, firing: number): Promise<{ firing: number }> {
    return waitFor(`the console to count ${firing} firing`, async () => {
      const list = await requestJson<{ items: { id: string; policyId: string }[] }>('GET', `${fleet.url.console}/api/v1/alert-groups?limit=100`, { token: team.apiToken });
      const group = list.body.items.find((item) => item.policyId === policyId);
      if (!group) return undefined;
      const view = await requestJson<{ firing: number }>('GET', `${fleet.url.console}/api/v1/alert-groups/${group.id}`, { token: team.apiToken });
      return view.body.firing === firing ? view.body : undefined;
    }, 30_000);
  }

  const cardSaying = (cards: EmulatorMessage[], text: string) => cards.find((card) => cardText(card).includes(text));

  it('counts 500 alerts on the card and in the console with 50 members, then 300 once 200 resolved', async () => {
    const bot = await createBot(fleet, team.apiToken, 'capped');
    const policyId = await createPolicy(fleet, team.apiToken, { name: 'capped', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '3s', repeatInterval: '1h' });
    const instances = Array.from({ length: 500 }, (_, i) => `host-${i}`);
    await postWebhook(fleet, team.ingestToken, instances.map((instance) => ({ labels: { alertname, instance, severity: 'critical' } })));

    const first = await waitFor('a card counting 500 alerts', async () => cardSaying(await bot.messages(), '500 alerts'), 30_000);
    // It lists what fits and says how many more there are: the members are its sample.
    expect(cardText(first)).toMatch(/\+4\d\d more/);
    await consoleGroupFiring(policyId, 500);

    const records = await changelog.until('500 alert records', (values) => new Set(values.flatMap((value) => (value.kind === 'alert' ? [value.fingerprint] : []))).size === 500);
    const members = new Set(records.flatMap((value) => (value.kind === 'member' ? [value.fingerprint] : [])));
    expect(members.size).toBe(CAP);
    expect(records.filter((value) => value.kind === 'alert' && value.beyondCap)).toHaveLength(500 - CAP);

    await postWebhook(fleet, team.ingestToken, instances.slice(0, 200).map((instance) => ({ labels: { alertname, instance, severity: 'critical' }, status: 'resolved' })));
    const second = await waitFor('a card counting 300 firing', async () => cardSaying(await bot.messages(), '300 firing, 200 resolved'), 30_000);
    expect(cardText(second)).toMatch(/\+\d+ more/);
    await consoleGroupFiring(policyId, 300);

    // No record grows with the group: its header lists members only, at most twice the cap.
    const largest = Math.max(...changelog.values().map((value) => Buffer.byteLength(JSON.stringify(value))));
    expect(largest).toBeLessThan(3 * CAP * 19 + 4_096);
    const latestGroup = changelog.values().filter((value) => value.kind === 'group').at(-1);
    expect(latestGroup).toMatchObject({ lastNotification: { beyondFiring: expect.any(Number) } });
  });
});
