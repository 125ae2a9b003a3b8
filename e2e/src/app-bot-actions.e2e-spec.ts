import { randomBytes } from 'node:crypto';
import type { AlertGroupView, NotificationObjectView } from '@alertlark/contracts';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';
import { createPolicy, postWebhook, sleep } from './support/lark-bots';

interface AppMessage {
  messageId: string;
  appId: string;
  chatId: string;
  /** The card as the chat shows it now (edits applied). */
  content: object;
  edits: { at: string; content: object; via: 'api' | 'callback'; eventId?: string }[];
}

interface Click {
  status: number | null;
  answer: { toast?: { type: string; content: string }; card?: unknown } | null;
  eventId: string;
  applied: boolean;
  error?: string;
}

interface GroupDetail extends AlertGroupView {
  actions: { type: string; actor: { name: string; verified: boolean; openId?: string }; source: string; outcome: string; reason?: string }[];
}

/** The card as the chat shows it now, as text to look into. */
const shownCard = (message: AppMessage) => JSON.stringify(message.content);

/** The callback buttons of a card, by label. */
function callbackButtons(card: string): Record<string, unknown> {
  const parsed = JSON.parse(card) as { elements?: { tag: string; actions?: { text: { content: string }; value?: unknown; url?: string }[] }[] };
  const buttons = (parsed.elements ?? []).filter((element) => element.tag === 'action').flatMap((element) => element.actions ?? []);
  return Object.fromEntries(buttons.filter((button) => button.value !== undefined).map((button) => [button.text.content, button.value]));
}

/**
 * Acting on an alert group from a Lark app bot's card (issue 13, mode 2): the sender posts cards as
 * the app (tenant token, im/v1 messages), the buttons are callbacks that the emulator plays as a
 * person clicking (encrypted, signed, to the console's callback URL), the console answers within
 * 3 s with a toast and the card as it now stands, and the operator's open_id is the verified actor.
 */
describe('claim, resolve and silence from a Lark app bot\'s card (callback buttons)', () => {
  const run = randomBytes(3).toString('hex');
  const appId = `cli_e2e${run}`;
  const chatId = `oc_e2e${run}`;
  const secrets = { appSecret: `secret-${run}`, encryptKey: `encrypt-${run}`, verificationToken: `verify-${run}` };
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let object: NotificationObjectView;

  beforeAll(async () => {
    fleet = await startFleet(11500);
    team = await fleet.createTeam(`app-actions-${run}`);
    const created = await api<NotificationObjectView>('POST', '/api/v1/notification-objects', { name: 'oncall-app', app: { appId, ...secrets, chatId, host: fleet.url.emulator } });
    expect(created.status).toBe(201);
    object = created.body;
    await requestJson('POST', `${fleet.url.emulator}/_emulator/apps`, { body: { appId, ...secrets, callbackUrl: object.app!.callbackUrl } });
    await createPolicy(fleet, team.apiToken, {
      name: 'app-actions',
      matchers: [`alertname=~"app_${run}_.*"`],
      objectIds: [object.id],
      groupWait: '1s',
      groupInterval: '2s',
      repeatInterval: '4h',
      escalation: { steps: [{ after: '1m', when: 'unclaimed', objectIds: [object.id], mentions: ['all'] }] },
    });
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  function api<T>(method: string, path: string, body?: unknown) {
    return requestJson<T>(method, `${fleet.url.console}${path}`, { token: team.apiToken, ...(body ? { body } : {}) });
  }
  const detail = async (groupId: string) => (await api<GroupDetail>('GET', `/api/v1/alert-groups/${groupId}`)).body;
  const messages = async () => (await requestJson<{ messages: AppMessage[] }>('GET', `${fleet.url.emulator}/_emulator/app-messages?chatId=${chatId}`)).body.messages;
  const click = async (body: Record<string, unknown>) => (await requestJson<Click>('POST', `${fleet.url.emulator}/_emulator/click`, { body })).body;

  /** Fires one alert of a new alertname and waits for its card in the chat and its group in the console. */
  async function firingGroup(name: string): Promise<{ alertname: string; group: AlertGroupView; card: AppMessage }> {
    const alertname = `app_${run}_${name}`;
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' } }]);
    const card = await waitFor(`the card of ${alertname}`, async () => (await messages()).find((message) => shownCard(message).includes(alertname) && shownCard(message).includes('FIRING')), 30_000);
    const group = await waitFor(`${alertname}'s group in the console`, async () => {
      const groups = (await api<{ items: AlertGroupView[] }>('GET', '/api/v1/alert-groups?state=open&limit=100')).body.items;
      return groups.find((candidate) => candidate.groupLabels.some((label) => label.value === alertname));
    });
    return { alertname, group, card };
  }

  it('is an app bot in the API, its credentials masked, and answers Lark\'s URL check', async () => {
    expect(object).toMatchObject({
      kind: 'app',
      webhookUrl: null,
      app: { appId: `cli_****${appId.slice(-4)}`, appSecret: '****', encryptKey: '****', verificationToken: '****', chatId, host: fleet.url.emulator, callbackUrl: `${fleet.url.console}/api/v1/lark/callback/${object.id}` },
    });
    expect(JSON.stringify(object)).not.toContain(secrets.appSecret);
    const verified = await requestJson<{ ok: boolean }>('POST', `${fleet.url.emulator}/_emulator/apps/${appId}/verify-url`);
    expect(verified.body.ok).toBe(true);
  });

  it('a card is sent as the app with callback buttons; clicking Claim claims it as the verified open_id and the card shows it at once; a replay acts once', async () => {
    const { alertname, group, card } = await firingGroup('claim');
    expect(card.content).toMatchObject({ config: { update_multi: true } });
    expect(callbackButtons(shownCard(card))).toEqual({
      Claim: { action: 'claim', groupId: group.id, incidentId: group.incident!.id },
      Resolve: { action: 'resolve', groupId: group.id, incidentId: group.incident!.id },
      'Silence 1h': { action: 'silence', groupId: group.id, incidentId: group.incident!.id, durationMs: 3_600_000 },
      'Silence 4h': { action: 'silence', groupId: group.id, incidentId: group.incident!.id, durationMs: 14_400_000 },
      'Silence 24h': { action: 'silence', groupId: group.id, incidentId: group.incident!.id, durationMs: 86_400_000 },
    });

    const clicked = await click({ messageId: card.messageId, operator: { open_id: 'ou_alice' }, buttonText: 'Claim' });
    expect(clicked).toMatchObject({ status: 200, applied: true, answer: { toast: { type: 'success', content: 'Claimed' } } });
    const now = (await messages()).find((message) => message.messageId === card.messageId)!;
    expect(shownCard(now)).toContain('Claimed by ou_alice');
    expect(Object.keys(callbackButtons(shownCard(now)))).toEqual(['Unclaim', 'Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h']);
    const claimed = await waitFor('the claim in the read model', async () => {
      const current = await detail(group.id);
      return current.state === 'claimed' && current.actions.length > 0 ? current : undefined;
    });
    expect(claimed.handler).toEqual({ name: 'ou_alice', verified: true, openId: 'ou_alice' });
    expect(claimed.actions).toEqual([expect.objectContaining({ type: 'claim', source: 'callback', outcome: 'applied', actor: { name: 'ou_alice', verified: true, openId: 'ou_alice' } })]);
    // The chat is told in a card of its own too.
    await waitFor('the follow-up card', async () => (await messages()).find((message) => shownCard(message).includes(`ou_alice claimed [FIRING:1] ${alertname}`)), 30_000);

    // Lark retrying the same click: answered, nothing done twice.
    const replayed = await click({ replayEventId: clicked.eventId });
    expect(replayed).toMatchObject({ status: 200, answer: { toast: { type: 'info' } } });
    await sleep(1_500);
    expect((await detail(group.id)).actions).toHaveLength(1);

    // Giving it back from the card: open again, and the card offers Claim again.
    const unclaimed = await click({ messageId: card.messageId, operator: { open_id: 'ou_alice' }, buttonText: 'Unclaim' });
    expect(unclaimed).toMatchObject({ status: 200, applied: true, answer: { toast: { type: 'success', content: 'Unclaimed' } } });
    const reopened = (await messages()).find((message) => message.messageId === card.messageId)!;
    expect(Object.keys(callbackButtons(shownCard(reopened)))[0]).toBe('Claim');
    await waitFor('the unclaim in the read model', async () => ((await detail(group.id)).state === 'open' ? true : undefined));
  }, 120_000);

  it('refuses a tampered signature, a stale timestamp and a wrong verification token, and records nothing', async () => {
    const { group, card } = await firingGroup('refusals');
    for (const [knob, status] of [
      [{ tamperSignature: true }, 401],
      [{ timestampOffsetSeconds: -600 }, 401],
      [{ wrongToken: true }, 403],
    ] as const) {
      const answer = await click({ messageId: card.messageId, operator: { open_id: 'ou_mallory' }, buttonText: 'Resolve', ...knob });
      expect({ knob, status: answer.status, applied: answer.applied }).toEqual({ knob, status, applied: false });
    }
    // A callback for a chatbot that is not an app bot, or not there, is not one of ours.
    const unknown = await fetch(`${fleet.url.console}/api/v1/lark/callback/nobj_missing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(404);
    await sleep(1_500);
    expect(await detail(group.id)).toMatchObject({ state: 'open', actions: [] });
  }, 120_000);

  it('of two claims at once, one wins and the other is told who has it', async () => {
    const { group, card } = await firingGroup('race');
    const answers = await Promise.all(['ou_carol', 'ou_dave'].map((openId) => click({ messageId: card.messageId, operator: { open_id: openId }, buttonText: 'Claim' })));
    const toasts = answers.map((answer) => answer.answer?.toast);
    expect(toasts.filter((toast) => toast?.type === 'success')).toHaveLength(1);
    const lost = toasts.find((toast) => toast?.type === 'warning');
    expect(lost?.content).toMatch(/^already claimed by ou_(carol|dave)$/);
    const final = await waitFor('both decisions', async () => {
      const current = await detail(group.id);
      return current.actions.filter((action) => action.outcome !== 'pending').length === 2 && current.handler ? current : undefined;
    });
    expect(lost!.content).toBe(`already claimed by ${final.handler!.name}`);
    // Both answers' cards show the winner: whichever Lark applies last is what the chat sees.
    for (const answer of answers) expect(JSON.stringify(answer.answer?.card)).toContain(`Claimed by ${final.handler!.name}`);
    const now = (await messages()).find((message) => message.messageId === card.messageId)!;
    expect(shownCard(now)).toContain(`Claimed by ${final.handler!.name}`);
  }, 120_000);

  it("one app in two chats: Lark calls the first chatbot's URL, and a click in the second chat acts for the second chat's chatbot", async () => {
    const secondChat = `oc_second${run}`;
    const second = await api<NotificationObjectView>('POST', '/api/v1/notification-objects', { name: 'second-chat', app: { appId, ...secrets, chatId: secondChat, host: fleet.url.emulator } });
    expect(second.status).toBe(201);
    const alertname = `second_${run}`;
    await createPolicy(fleet, team.apiToken, { name: 'second-chat', matchers: [`alertname="${alertname}"`], objectIds: [second.body.id], groupWait: '1s', groupInterval: '2s', repeatInterval: '4h' });
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'critical' } }]);
    const inSecond = async () => (await requestJson<{ messages: AppMessage[] }>('GET', `${fleet.url.emulator}/_emulator/app-messages?chatId=${secondChat}`)).body.messages;
    const card = await waitFor('the card in the second chat', async () => (await inSecond()).find((message) => shownCard(message).includes(alertname)), 30_000);
    const group = await waitFor(`${alertname}'s group`, async () => (await api<{ items: AlertGroupView[] }>('GET', '/api/v1/alert-groups?state=open&limit=100')).body.items.find((candidate) => candidate.groupLabels.some((label) => label.value === alertname)));
    const clicked = await click({ messageId: card.messageId, operator: { open_id: 'ou_gina' }, buttonText: 'Claim' });
    expect(clicked).toMatchObject({ status: 200, answer: { toast: { type: 'success' } } });
    expect(JSON.stringify(clicked.answer?.card)).toContain('second-chat');
    await waitFor('the claim', async () => ((await detail(group.id)).handler?.name === 'ou_gina' ? true : undefined));
  }, 120_000);

  it('silence: a real silence by the open_id, listed in the API, and later alerts of the group send no card', async () => {
    const { alertname, group, card } = await firingGroup('silence');
    const clicked = await click({ messageId: card.messageId, operator: { open_id: 'ou_bob' }, buttonText: 'Silence 4h' });
    expect(clicked).toMatchObject({ status: 200, answer: { toast: { type: 'success' } } });
    const silenced = await waitFor('the silence on the incident', async () => {
      const current = await detail(group.id);
      return current.silenceId ? current : undefined;
    });
    const silence = (await api<{ matchers: string[]; createdBy: string; comment: string; state: string }>('GET', `/api/v1/silences/${silenced.silenceId}`)).body;
    expect(silence).toMatchObject({ matchers: [`alertname="${alertname}"`], createdBy: 'ou_bob', comment: 'from Lark', state: 'active' });
    const before = (await messages()).length;
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'web-2', severity: 'critical' } }]);
    await sleep(7_000);
    expect((await messages()).slice(before).filter((message) => shownCard(message).includes('web-2'))).toEqual([]);
  }, 120_000);

  it('resolve from the console: the chat is told, and the group\'s card is edited in place by the sender (no click)', async () => {
    const { alertname, group, card } = await firingGroup('resolve');
    const resolved = await api<{ outcome: string }>('POST', `/api/v1/alert-groups/${group.id}/actions`, { type: 'resolve', actor: 'Erin' });
    expect(resolved.body).toMatchObject({ outcome: 'applied' });
    await waitFor('the resolve follow-up card', async () => (await messages()).find((message) => shownCard(message).includes('Erin') && message.messageId !== card.messageId), 30_000);
    const edited = await waitFor('the card edited through the API', async () => {
      const now = (await messages()).find((message) => message.messageId === card.messageId)!;
      return now.edits.some((edit) => edit.via === 'api') ? now : undefined;
    }, 30_000);
    expect(shownCard(edited)).toContain(alertname);
    expect(shownCard(edited)).toContain('Resolved by Erin');
    expect(callbackButtons(shownCard(edited))).toEqual({});
  }, 120_000);

  it('escalation: a claimed group\'s 1-minute unclaimed step does not fire, an unclaimed one\'s does, with the mention and why', async () => {
    const [claimed, unclaimed] = await Promise.all([firingGroup('esc-claimed'), firingGroup('esc-unclaimed')]);
    const clicked = await click({ messageId: claimed.card.messageId, operator: { open_id: 'ou_frank' }, buttonText: 'Claim' });
    expect(clicked.answer?.toast?.type).toBe('success');
    const escalated = await waitFor('the escalation card', async () => (await messages()).find((message) => shownCard(message).includes(unclaimed.alertname) && shownCard(message).includes('unclaimed for 1m')), 100_000, 1_000);
    expect(shownCard(escalated)).toContain('<at id=all></at>');
    await sleep(5_000);
    expect((await messages()).filter((message) => shownCard(message).includes(claimed.alertname) && shownCard(message).includes('unclaimed for'))).toEqual([]);
    // One tenant token served every card and edit of the test.
    const apps = (await requestJson<{ apps: { appId: string; tokensIssued: number }[] }>('GET', `${fleet.url.emulator}/_emulator/apps`)).body.apps;
    expect(apps.find((app) => app.appId === appId)?.tokensIssued).toBe(1);
  }, 180_000);
});
