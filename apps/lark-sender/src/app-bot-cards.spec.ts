import { MockAgent, setGlobalDispatcher, getGlobalDispatcher, type Dispatcher } from 'undici';
import { Registry } from 'prom-client';
import { toLabelPairs, type NotificationEvent } from '@alertlark/contracts';
import type { LarkMessageDocument, LarkMessageRepository } from '@alertlark/persistence';
import type { JsonLogger } from '@alertlark/service-kit';
import { AppBotCards, type InBudget } from './app-bot-cards';
import type { InboxEntry } from './bot-queues';
import type { LarkSenderEnv } from './lark-sender.env';
import type { Chatbot } from './webhook-request';

const BASE = 'https://open.feishu.cn';
const chatbot: Chatbot = {
  config: { id: 'nobj_app', teamId: 't1', name: 'oncall', keywords: [] },
  webhookUrl: '',
  secret: undefined,
  webhookKey: 'ac_x',
  app: { lark: { baseUrl: BASE, appId: 'cli_a', appSecret: 's' }, chatId: 'oc_1' },
};

function notification(extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    notificationId: 'n1',
    teamId: 't1',
    objectId: 'nobj_app',
    policyId: 'p1',
    groupKey: '{}:{alertname="HighCPU"}',
    groupLabels: toLabelPairs({ alertname: 'HighCPU' }),
    status: 'firing',
    alerts: [{ fingerprint: 'f1', status: 'firing', labels: toLabelPairs({ alertname: 'HighCPU', instance: 'web-1' }), annotations: [], startsAt: '2026-12-07T00:00:00Z' }],
    groupId: 'grp_1',
    incident: { id: 'inc_1', openedAt: 1, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null },
    createdAt: '2026-12-07T00:00:01Z',
    ...extra,
  };
}
const entry = (n: NotificationEvent, id = n.notificationId): InboxEntry => ({ _id: id, notification: n, objectId: n.objectId, botKey: 'ac_x', partition: 0, offset: '0' }) as InboxEntry;
const card = { config: { wide_screen_mode: true }, header: { title: { tag: 'plain_text' as const, content: 'x' }, template: 'red' as const }, elements: [] };

describe('AppBotCards', () => {
  let previous: Dispatcher;
  let agent: MockAgent;
  let stored: LarkMessageDocument[];
  let patched: Array<{ messageId: string; content: Record<string, unknown> }>;
  let sentUuids: string[];
  let cards: AppBotCards;
  const unlimited: InBudget = (call) => call();

  beforeEach(() => {
    previous = getGlobalDispatcher();
    agent = new MockAgent();
    agent.disableNetConnect();
    setGlobalDispatcher(agent);
    const pool = agent.get(BASE);
    pool.intercept({ path: '/open-apis/auth/v3/tenant_access_token/internal', method: 'POST' }).reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 }).persist();
    sentUuids = [];
    let sent = 0;
    pool
      .intercept({ path: '/open-apis/im/v1/messages?receive_id_type=chat_id', method: 'POST' })
      .reply(200, (request) => {
        sentUuids.push(JSON.parse(String(request.body)).uuid);
        return { code: 0, data: { message_id: `om_new${++sent}` } };
      })
      .persist();
    patched = [];
    pool
      .intercept({ path: (path) => path.startsWith('/open-apis/im/v1/messages/'), method: 'PATCH' })
      .reply(200, (request) => {
        patched.push({ messageId: request.path.split('/').pop()!, content: JSON.parse(JSON.parse(String(request.body)).content) });
        return { code: 0, data: {} };
      })
      .persist();
    stored = [1, 2, 3, 4].map((k) => ({ _id: `om_old${k}`, teamId: 't1', objectId: 'nobj_app', notificationId: `old${k}`, groupId: 'grp_1', notification: JSON.stringify(notification({ notificationId: `old${k}` })), sentAt: new Date(Date.now() - k * 60_000) }));
    const messages = {
      record: async (message: LarkMessageDocument) => void stored.unshift(message),
      recentOfGroup: async (_teamId: string, _objectId: string, groupId: string, _since: Date, limit: number) => stored.filter((message) => message.groupId === groupId).slice(0, limit),
    } as unknown as LarkMessageRepository;
    cards = new AppBotCards(messages, { event: () => undefined } as unknown as JsonLogger, { LARK_REQUEST_TIMEOUT_MS: 1_000 } as LarkSenderEnv, { consoleUrl: 'http://console', actionKeys: { signing: 'k0', keys: new Map() }, actionTtlMs: 1 } as never, new Registry());
  });
  afterEach(async () => {
    setGlobalDispatcher(previous);
    await agent.close();
  });

  it("posts a shared card and keeps its message id with the group's notification", async () => {
    const result = await cards.send(chatbot, { msg_type: 'interactive', card }, [entry(notification())], false, unlimited);
    expect(result).toMatchObject({ ok: true, messageId: 'om_new1' });
    expect(sentUuids).toEqual(['n1']);
    expect(stored[0]).toMatchObject({ _id: 'om_new1', groupId: 'grp_1', notificationId: 'n1' });
    expect(patched).toEqual([]);
  });

  it("a follow-up edits the group's three newest earlier cards to show the new state, not the card just sent", async () => {
    const claimed = { ...notification().incident!, state: 'claimed' as const, claimedBy: { name: 'ou_alice', verified: true, openId: 'ou_alice' }, claimedAt: 2 };
    const followUp = notification({ notificationId: 'f1', followUp: { action: 'claim', actor: { name: 'ou_alice', verified: true } }, incident: claimed });
    await cards.send(chatbot, { msg_type: 'interactive', card }, [entry(followUp)], false, unlimited);
    expect(patched.map((edit) => edit.messageId)).toEqual(['om_old1', 'om_old2', 'om_old3']);
    for (const edit of patched) {
      expect(edit.content).toMatchObject({ config: { update_multi: true } });
      expect(JSON.stringify(edit.content)).toContain('Claimed by ou_alice');
    }
    // The follow-up itself is not a card of the group to edit later.
    expect(stored[0]).toMatchObject({ _id: 'om_new1' });
    expect(stored[0]!.groupId).toBeUndefined();
  });

  it("a resolved card of the group replaces its earlier cards, so their buttons go", async () => {
    const resolvedCard = { ...card, header: { ...card.header, template: 'green' as const } };
    await cards.send(chatbot, { msg_type: 'interactive', card: resolvedCard }, [entry(notification({ notificationId: 'r1', status: 'resolved' }))], false, unlimited);
    expect(patched.map((edit) => edit.messageId)).toEqual(['om_old1', 'om_old2', 'om_old3']);
    expect(patched[0]!.content).toEqual({ ...resolvedCard, config: { wide_screen_mode: true, update_multi: true } });
  });

  it('edits stop when the budget has no slot soon enough', async () => {
    let slots = 2;
    const tight: InBudget = (call) => (slots-- > 0 ? call() : Promise.resolve(undefined));
    const followUp = notification({ notificationId: 'f2', followUp: { action: 'resolve', actor: { name: 'Erin', verified: false } } });
    await cards.send(chatbot, { msg_type: 'interactive', card }, [entry(followUp)], false, tight);
    expect(patched.map((edit) => edit.messageId)).toEqual(['om_old1']);
  });

  it("a digest's uuid is the same for a retry of the same notifications", async () => {
    const digest = [entry(notification({ notificationId: 'a', groupId: 'g1' })), entry(notification({ notificationId: 'b', groupId: 'g2' }))];
    await cards.send(chatbot, { msg_type: 'interactive', card }, digest, true, unlimited);
    await cards.send(chatbot, { msg_type: 'interactive', card }, [...digest].reverse(), true, unlimited);
    await cards.send(chatbot, { msg_type: 'interactive', card }, digest.slice(0, 1), true, unlimited);
    expect(sentUuids[0]).toMatch(/^dg_[0-9a-f]{40}$/);
    expect(sentUuids[1]).toBe(sentUuids[0]);
    expect(sentUuids[2]).not.toBe(sentUuids[0]);
  });
});
