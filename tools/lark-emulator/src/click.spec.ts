import { createAppState } from './app-state';
import { CARD_INTERACTION_WINDOW_MS, type ClickIds, planClick } from './click';

const T0 = Date.UTC(2024, 5, 1, 9, 0, 0);
const APP = { appId: 'cli_a', appSecret: 's', verificationToken: 'vt', callbackUrl: 'http://127.0.0.1:1/cb' };
const button = (text: string, value: object) => ({ tag: 'button', text: { tag: 'plain_text', content: text }, behaviors: [{ type: 'callback', value }] });
const card = (...buttons: object[]) => ({ schema: '2.0', config: { update_multi: true }, body: { elements: buttons } });
const ids: ClickIds = { eventId: () => 'ev-1', updateToken: () => 'c-1' };

function setup(content: object = card(button('Claim', { action: 'claim' }), button('Resolve', { action: 'resolve' }))) {
  let now = T0;
  const state = createAppState(() => now, [APP]);
  const message = state.messages.add({ appId: 'cli_a', chatId: 'oc_r', content: content as Record<string, unknown>, nowMs: T0 });
  const plan = (input: Parameters<typeof planClick>[1]) => planClick(state, input, now, ids);
  return { state, message, plan, advance: (ms: number) => { now += ms; } };
}

const actionOf = (result: ReturnType<typeof planClick>) => {
  if (!('plan' in result)) throw new Error(result.error);
  return (JSON.parse(result.plan.plaintext) as { event: { action: unknown } }).event.action;
};

describe('planClick', () => {
  it('finds the button by its text', () => {
    const { plan, message } = setup();
    const result = plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, buttonText: 'Resolve' });
    expect(actionOf(result)).toEqual({ value: { action: 'resolve' }, tag: 'button' });
    expect(result).toMatchObject({ plan: { eventId: 'ev-1', replay: false, app: { appId: 'cli_a' } } });
  });

  it('takes a value as given, and the only button when there is one', () => {
    const { plan, message } = setup();
    expect(actionOf(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: { free: 1 } }))).toEqual({ value: { free: 1 }, tag: 'button' });
    const single = setup(card(button('Ack', { a: 1 })));
    expect(actionOf(single.plan({ messageId: single.message.messageId, operator: { open_id: 'ou_1' } }))).toEqual({ value: { a: 1 }, tag: 'button' });
  });

  it('refuses with the buttons it saw when the text is not there or the choice is ambiguous', () => {
    const { plan, message } = setup();
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, buttonText: 'Nope' })).toEqual({
      status: 404, error: 'no callback button "Nope" on the card', buttons: ['Claim', 'Resolve'],
    });
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' } })).toMatchObject({ status: 400, buttons: ['Claim', 'Resolve'] });
  });

  it('needs a known message, an operator and an app with a callbackUrl', () => {
    const { state, plan, message } = setup();
    expect(plan({ operator: { open_id: 'ou_1' } })).toMatchObject({ status: 400, error: 'messageId is required' });
    expect(plan({ messageId: message.messageId })).toMatchObject({ status: 400 });
    expect(plan({ messageId: 'om_x', operator: { open_id: 'ou_1' } })).toMatchObject({ status: 404 });
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {}, tamperSignature: true })).toMatchObject({ status: 400, error: expect.stringMatching(/encryptKey/) });
    state.apps.upsert({ appId: 'cli_a', appSecret: 's', verificationToken: 'vt' });
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {} })).toMatchObject({ status: 409, error: 'app cli_a has no callbackUrl' });
    state.apps.remove('cli_a');
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {} })).toMatchObject({ status: 409 });
  });

  it('offers no click 30 days after the card was sent', () => {
    const { plan, message, advance } = setup();
    advance(CARD_INTERACTION_WINDOW_MS);
    expect('plan' in plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {} })).toBe(true);
    advance(1);
    expect(plan({ messageId: message.messageId, operator: { open_id: 'ou_1' }, value: {} })).toMatchObject({ status: 409 });
  });

  it('replays a remembered event as it was, and only that', () => {
    const { state, plan, message } = setup();
    state.events.set('ev-0', { appId: 'cli_a', messageId: message.messageId, plaintext: '{"same":"bytes"}' });
    expect(plan({ replayEventId: 'ev-0' })).toMatchObject({ plan: { eventId: 'ev-0', plaintext: '{"same":"bytes"}', replay: true } });
    expect(plan({ replayEventId: 'ev-9' })).toMatchObject({ status: 404 });
    expect(plan({ replayEventId: 'ev-0', buttonText: 'Claim', wrongToken: true })).toMatchObject({ status: 400, error: expect.stringMatching(/buttonText, wrongToken/) });
  });
});
