import type { NotificationEvent, NotificationObjectConfig } from '@alertlark/contracts';
import type { InboxEntry } from './bot-queues';
import { asChatbotGroup, digestSender, requestEntries, type Chatbot } from './webhook-request';

const chatbot = (id: string, webhookKey: string, config: Partial<NotificationObjectConfig> = {}): Chatbot => ({
  config: { id, teamId: 't1', name: id, webhookUrlEncrypted: 'sealed', keywords: ['alert'], ...config },
  webhookUrl: `https://open.feishu.cn/open-apis/bot/v2/hook/${webhookKey}`,
  secret: undefined,
  webhookKey,
});

function entry(id: string, objectId: string): InboxEntry {
  const notification = { notificationId: id, teamId: 't1', objectId, groupKey: 'p1:{}', status: 'firing', alerts: [] } as unknown as NotificationEvent;
  return { _id: id, partition: 0, offset: '0', botKey: 'wh_1', objectId, receivedAt: new Date(0), notification };
}

const ids = (entries: InboxEntry[]) => entries.map((queued) => queued._id);

describe('requestEntries: what one request to one webhook may carry', () => {
  it('carries every chatbot posting to the webhook', () => {
    const chatbots = new Map([
      ['a', chatbot('a', 'wh_1')],
      ['b', chatbot('b', 'wh_1')],
    ]);
    expect(ids(requestEntries([entry('1', 'a'), entry('2', 'b'), entry('3', 'a')], chatbots))).toEqual(['1', '2', '3']);
  });

  it('leaves out the chatbots not known yet', () => {
    expect(ids(requestEntries([entry('1', 'unknown'), entry('2', 'a')], new Map([['a', chatbot('a', 'wh_1')]])))).toEqual(['2']);
    expect(requestEntries([entry('1', 'unknown')], new Map())).toEqual([]);
  });

  it('goes to the webhook of the oldest: a chatbot whose URL changed since never shares a request with the others', () => {
    const chatbots = new Map([
      ['moved', chatbot('moved', 'wh_2')],
      ['b', chatbot('b', 'wh_1')],
    ]);
    const queue = [entry('1', 'moved'), entry('2', 'b'), entry('3', 'moved')];
    expect(ids(requestEntries(queue, chatbots))).toEqual(['1', '3']);
    expect(ids(requestEntries(queue.slice(1, 2), chatbots))).toEqual(['2']);
  });
});

describe('digestSender: who a digest of several chatbots is from', () => {
  it('the newest notification\'s chatbot, with the keywords of all of them', () => {
    const chatbots = new Map([
      ['a', chatbot('a', 'wh_1', { name: 'ops', keywords: ['alert', 'ops'] })],
      ['b', chatbot('b', 'wh_1', { name: 'db', keywords: ['alert', 'db'], card: { language: 'zh' } })],
    ]);
    const sender = digestSender([entry('1', 'a'), entry('2', 'b')], chatbots);
    expect(sender.chatbot).toBe(chatbots.get('b'));
    expect(sender.target).toEqual({ name: 'db', keywords: ['alert', 'db', 'ops'], card: { language: 'zh' } });
  });
});

describe('asChatbotGroup', () => {
  it('groups a notification by its chatbot\'s group, and leaves a daily summary as it is', () => {
    expect(asChatbotGroup(entry('1', 'a').notification)).toMatchObject({ notificationId: '1', groupKey: 'a\np1:{}' });
    const summary = { kind: 'daily-summary', notificationId: 'daily/a/2026-11-24/09:00', objectId: 'a' } as unknown as NotificationEvent;
    expect(asChatbotGroup(summary)).toBe(summary);
  });
});
