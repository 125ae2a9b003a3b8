import { randomBytes } from 'node:crypto';
import type { AlertGroupView } from '@alertlark/contracts';
import { derivedActionTokenKeys, parseSecretKey, signActionToken, type ActionTokenClaims } from '@alertlark/secrets';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, sleep, type EmulatorMessage, type TestBot } from './support/lark-bots';

/** The link of a card's URL button, found by its label, as a person would click it. */
function buttonUrl(message: EmulatorMessage, label: string): string | undefined {
  const card = message.body?.card as { elements?: { tag: string; actions?: { text: { content: string }; url?: string }[] }[] } | undefined;
  return (card?.elements ?? []).filter((element) => element.tag === 'action').flatMap((element) => element.actions ?? []).find((button) => button.text.content === label)?.url;
}

interface GroupDetail extends AlertGroupView {
  firing: number;
  actions: { type: string; actor: { name: string; verified: boolean }; source: string; outcome: string; reason?: string; silenceId?: string }[];
}

/**
 * Acting on an alert group from a custom bot's card: its buttons open signed links to the console
 * (`/act/<token>`), whose GET shows a confirm page and changes nothing, and whose POST with a name
 * acts once. The router decides (of two claims the first wins), the chat gets a follow-up card,
 * and the console's API shows the incident and its action log.
 */
describe('claim, resolve and silence an alert group from the chat (custom bot action links)', () => {
  const run = randomBytes(3).toString('hex');
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let bot: TestBot;
  let sign: (claims: Omit<ActionTokenClaims, 'teamId'>, options?: { now?: number; ttlMs?: number }) => string;

  beforeAll(async () => {
    fleet = await startFleet(26000);
    team = await fleet.createTeam(`chat-actions-${run}`);
    bot = await createBot(fleet, team.apiToken, 'actions');
    await createPolicy(fleet, team.apiToken, { name: 'actions', matchers: [`alertname=~"act_${run}_.*"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '2s', repeatInterval: '4h' });
    // The console and lark-sender derive their link key from the secret key when none is set.
    const keys = derivedActionTokenKeys(parseSecretKey(fleet.env.ALERTLARK_SECRET_KEY!));
    sign = (claims, options = {}) => signActionToken(keys, { teamId: team.id, ...claims }, { now: options.now ?? Date.now(), ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}) });
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  const api = <T>(method: string, path: string, body?: unknown) => requestJson<T>(method, `${fleet.url.console}${path}`, { token: team.apiToken, ...(body ? { body } : {}) });
  const detail = async (groupId: string) => (await api<GroupDetail>('GET', `/api/v1/alert-groups/${groupId}`)).body;
  const page = async (token: string, actor?: string) => {
    const response = await fetch(`${fleet.url.console}/act/${token}`, actor === undefined ? {} : { method: 'POST', body: new URLSearchParams({ actor }) });
    return { status: response.status, html: await response.text() };
  };

  /** Fires one alert of a new alertname and waits for its card and its group in the console. */
  async function firingGroup(name: string): Promise<{ alertname: string; group: AlertGroupView; card: EmulatorMessage }> {
    const alertname = `act_${run}_${name}`;
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' } }]);
    const card = await waitFor(`the card of ${alertname}`, async () => (await bot.messages()).find((message) => cardText(message).includes(alertname)), 30_000);
    const group = await waitFor(`${alertname}'s group in the console`, async () => {
      const groups = (await api<{ items: AlertGroupView[] }>('GET', '/api/v1/alert-groups?state=open&limit=100')).body.items;
      return groups.find((candidate) => candidate.groupLabels.some((label) => label.value === alertname));
    });
    return { alertname, group, card };
  }

  /** The token of the card's button: what the chat's person opens. */
  const tokenOf = (card: EmulatorMessage, label: string) => {
    const url = buttonUrl(card, label);
    expect(url).toMatch(new RegExp(`^${fleet.url.console}/act/`));
    return url!.slice(`${fleet.url.console}/act/`.length);
  };

  it('GET shows the group and changes nothing; POST with a name claims it, once; the chat is told; a second claimer is told who has it', async () => {
    const { alertname, group, card } = await firingGroup('claim');
    expect(group.incident).toMatchObject({ state: 'open', claimedBy: null });
    expect(['Claim', 'Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h'].map((label) => buttonUrl(card, label) !== undefined)).toEqual([true, true, true, true, true]);
    const token = tokenOf(card, 'Claim');

    const shown = await page(token);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain(`[FIRING:1] ${alertname}`);
    expect(shown.html).toContain('<form method="post">');
    await sleep(1_500);
    expect(await detail(group.id)).toMatchObject({ state: 'open', handler: null, actions: [] });

    const acted = await page(token, 'Alice');
    expect(acted.status).toBe(200);
    expect(acted.html).toContain(`Alice claimed [FIRING:1] ${alertname}`);
    const claimed = await waitFor('the claim in the read model', async () => {
      const current = await detail(group.id);
      return current.state === 'claimed' ? current : undefined;
    });
    expect(claimed).toMatchObject({ handler: { name: 'Alice', verified: false }, firing: 1 });
    expect(claimed.actions).toEqual([expect.objectContaining({ type: 'claim', actor: { name: 'Alice', verified: false }, source: 'link', outcome: 'applied' })]);
    // A follow-up card tells the chat who has it.
    const followUp = await waitFor('the follow-up card', async () => (await bot.messages()).find((message) => cardText(message).includes(`Alice claimed [FIRING:1] ${alertname}`)), 30_000);
    expect(buttonUrl(followUp, 'Claim')).toBeUndefined();

    // The link acts once.
    const again = await page(token, 'Alice');
    expect(again.status).toBe(409);
    expect(again.html).toContain('used already');
    // Someone else claiming is told who has it.
    const bob = await api<{ outcome: string; reason?: string }>('POST', `/api/v1/alert-groups/${group.id}/actions`, { type: 'claim', actor: 'Bob' });
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ outcome: 'refused', reason: 'already claimed by Alice' });
  }, 120_000);

  it('of two claims at once, one wins and the other is told who has it', async () => {
    const { group } = await firingGroup('race');
    const links = ['Carol', 'Dave'].map((actor) => ({ actor, token: sign({ groupId: group.id, incidentId: group.incident!.id, action: 'claim' }) }));
    const pages = await Promise.all(links.map(({ actor, token }) => page(token, actor)));
    expect(pages.map((answer) => answer.status)).toEqual([200, 200]);
    const won = pages.filter((answer) => / claimed \[FIRING:1\]/.test(answer.html));
    const lost = pages.filter((answer) => answer.html.includes('Not done: already claimed by'));
    expect([won.length, lost.length]).toEqual([1, 1]);
    // The action log and the group's state are projected by two consumers: wait for both.
    const final = await waitFor('both decisions and the claim', async () => {
      const current = await detail(group.id);
      return current.actions.filter((action) => action.outcome !== 'pending').length === 2 && current.handler ? current : undefined;
    });
    expect(final.actions.map((action) => action.outcome).sort()).toEqual(['applied', 'refused']);
    const winner = final.handler!.name;
    expect(['Carol', 'Dave']).toContain(winner);
    expect(lost[0]!.html).toContain(`already claimed by ${winner}`);
  }, 120_000);

  it('refuses forged, expired, malformed and wrong-team links with a 4xx page saying why, and records nothing', async () => {
    const { group } = await firingGroup('refusals');
    const good = sign({ groupId: group.id, incidentId: group.incident!.id, action: 'resolve' });
    const [version, kid, payload, mac] = good.split('.');
    // One character of the signature changed (a middle one: every bit of it counts).
    const forged = [version, kid, payload, `${mac!.slice(0, 5)}${mac![5] === 'A' ? 'B' : 'A'}${mac!.slice(6)}`].join('.');
    const expired = sign({ groupId: group.id, incidentId: group.incident!.id, action: 'resolve' }, { now: Date.now() - 2 * 3_600_000, ttlMs: 3_600_000 });
    const otherTeam = signActionToken(derivedActionTokenKeys(parseSecretKey(fleet.env.ALERTLARK_SECRET_KEY!)), { teamId: 'team_not_here', groupId: group.id, incidentId: group.incident!.id, action: 'resolve' }, { now: Date.now() });
    const foreignKey = signActionToken(derivedActionTokenKeys(randomBytes(32)), { teamId: team.id, groupId: group.id, incidentId: group.incident!.id, action: 'resolve' }, { now: Date.now() });
    for (const [token, status, says] of [
      [forged, 403, 'forged'],
      [foreignKey, 403, 'forged'],
      [expired, 410, 'expired'],
      ['not-a-token', 400, 'not a valid action link'],
      [otherTeam, 404, 'not known'],
    ] as const) {
      for (const actor of [undefined, 'Mallory']) {
        const answer = await page(token, actor);
        expect({ token, actor, status: answer.status }).toEqual({ token, actor, status });
        expect(answer.html).toContain(says);
        expect(answer.html).toContain('Nothing was changed');
      }
    }
    // A link made for an earlier incident of the group: the page warns, posting it is refused, and
    // a silence it asks for is never made.
    const stale = sign({ groupId: group.id, incidentId: 'inc_earlier', action: 'silence', durationMs: 3_600_000 });
    expect((await page(stale)).html).toContain('earlier incident');
    const refused = await page(stale, 'Mallory');
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('this incident is over');
    const silences = (await api<{ items: { createdBy: string }[] }>('GET', '/api/v1/silences?limit=100')).body.items;
    expect(silences.filter((silence) => silence.createdBy === 'Mallory')).toEqual([]);
    await sleep(1_500);
    expect(await detail(group.id)).toMatchObject({ state: 'open', actions: [] });
  }, 120_000);

  it('silences the group: a real silence on its labels, listed in the API, and later alerts of the group send no card', async () => {
    const { alertname, group, card } = await firingGroup('silence');
    const token = tokenOf(card, 'Silence 4h');
    const acted = await page(token, 'Bob');
    expect(acted.status).toBe(200);
    expect(acted.html).toContain(`Bob silenced for 4h [FIRING:1] ${alertname}`);
    const silenced = await waitFor('the silence on the incident', async () => {
      const current = await detail(group.id);
      return current.silenceId ? current : undefined;
    });
    const silence = (await api<{ matchers: string[]; createdBy: string; comment: string; state: string; endsAt: string }>('GET', `/api/v1/silences/${silenced.silenceId}`)).body;
    expect(silence).toMatchObject({ matchers: [`alertname="${alertname}"`], createdBy: 'Bob', comment: 'from Lark', state: 'active' });
    expect(Date.parse(silence.endsAt) - Date.now()).toBeGreaterThan(3.9 * 3_600_000);

    const cards = (await bot.messages()).length;
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-2', severity: 'critical' } }]);
    // Two group intervals and the group wait: a card would have come.
    await sleep(7_000);
    const later = (await bot.messages()).slice(cards);
    expect(later.filter((message) => cardText(message).includes('web-2'))).toEqual([]);
  }, 120_000);

  it('resolves: the chat is told, the alerts still firing send nothing more, and firing again after clearing opens a new incident', async () => {
    const { alertname, group } = await firingGroup('resolve');
    const resolved = await api<{ outcome: string; incident: { state: string; resolvedBy: { name: string } } }>('POST', `/api/v1/alert-groups/${group.id}/actions`, { type: 'resolve', actor: 'Erin' });
    expect(resolved.body).toMatchObject({ outcome: 'applied', incident: { state: 'resolved', resolvedBy: { name: 'Erin' } } });
    await waitFor('the resolve follow-up card', async () => ((await bot.messages()).some((message) => cardText(message).includes('Erin')) ? true : undefined), 30_000);

    // Still firing (Alertmanager re-sends it): nothing more.
    const cards = (await bot.messages()).length;
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' } }]);
    await sleep(6_000);
    expect((await bot.messages()).length).toBe(cards);

    // It clears, then fires again: a new incident, and a card.
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' }, status: 'resolved' }]);
    await waitFor('the group to end', async () => ((await detail(group.id)).state === 'ended' ? true : undefined), 30_000);
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' } }]);
    const reopened = await waitFor('a new incident', async () => {
      const current = await detail(group.id);
      return current.state === 'open' ? current : undefined;
    }, 30_000);
    expect(reopened.incident!.id).not.toBe(group.incident!.id);
    await waitFor('a card of the new incident', async () => ((await bot.messages()).length > cards ? true : undefined), 30_000);
  }, 150_000);
});
