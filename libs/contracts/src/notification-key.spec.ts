import { createHash } from 'node:crypto';
import { notificationObjectConfigSchema } from './config.event';
import { appChatKey, notificationKey, webhookKey } from './notification-key';
import { createNotificationObjectBodySchema } from './api.schemas';

const TOKEN = '2f1c9a3e-58b0-4d6e-9f7a-0c1b2d3e4f50';
const FEISHU = `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`;

describe('webhookKey', () => {
  it('is wh_ and the first 32 hex digits of the SHA-256 of the token, the same on every call', () => {
    const key = webhookKey(FEISHU);
    expect(key).toBe(`wh_${createHash('sha256').update(TOKEN).digest('hex').slice(0, 32)}`);
    expect(key).toMatch(/^wh_[0-9a-f]{32}$/);
    expect(webhookKey(FEISHU)).toBe(key);
  });

  it('differs per token', () => {
    expect(webhookKey(`https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`)).not.toBe(webhookKey('https://open.feishu.cn/open-apis/bot/v2/hook/2f1c9a3e-58b0-4d6e-9f7a-0c1b2d3e4f51'));
    // Tokens are case-sensitive.
    expect(webhookKey('https://open.feishu.cn/open-apis/bot/v2/hook/AbC')).not.toBe(webhookKey('https://open.feishu.cn/open-apis/bot/v2/hook/abc'));
  });

  it('is the same for one token written differently, or reached through another host (Lark limits the bot, not the URL)', () => {
    const key = webhookKey(FEISHU);
    for (const url of [
      ` HTTPS://Open.Feishu.CN:443/open-apis/bot/v2/hook/${TOKEN}/ `,
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}?from=ops#top`,
      `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`,
      `http://lark-proxy.example:8080/open-apis/bot/v2/hook/${TOKEN}`,
    ]) {
      expect(webhookKey(url)).toBe(key);
    }
  });

  it('does not contain the token', () => {
    expect(webhookKey(FEISHU)).not.toContain(TOKEN.slice(0, 8));
  });
});

describe('notificationKey', () => {
  it('is the webhook key of the chatbot, so every chatbot on one webhook shares its partition', () => {
    const key = webhookKey(FEISHU);
    expect(notificationKey('nobj_a', { webhookKey: key })).toBe(key);
    expect(notificationKey('nobj_b', { webhookKey: key })).toBe(key);
  });

  it('is the chatbot id when its config has no webhook key yet, or is not known', () => {
    expect(notificationKey('nobj_a', {})).toBe('nobj_a');
    expect(notificationKey('nobj_a', undefined)).toBe('nobj_a');
  });
});

describe('notificationObjectConfigSchema: webhookKey', () => {
  const object = { id: 'nobj_a', teamId: 'team_1', name: 'ops', webhookUrlEncrypted: 'v1.x.y.z', keywords: ['alert'] };

  it('is optional, so the configs already on the topic still parse', () => {
    expect(notificationObjectConfigSchema.parse(object)).toEqual(object);
    expect(notificationObjectConfigSchema.parse({ ...object, webhookKey: webhookKey(FEISHU) }).webhookKey).toBe(webhookKey(FEISHU));
  });
});

describe('appChatKey', () => {
  it('names an app and chat without revealing either, apart from webhook keys and from other chats', () => {
    const key = appChatKey('cli_a1', 'oc_1');
    expect(key).toMatch(/^ac_[0-9a-f]{32}$/);
    expect(key).toBe(appChatKey('cli_a1', 'oc_1'));
    expect(appChatKey('cli_a1', 'oc_2')).not.toBe(key);
    expect(appChatKey('cli_a2', 'oc_1')).not.toBe(key);
    expect(key).not.toContain('cli_a1');
  });
});

describe('createNotificationObjectBodySchema: a custom bot or an app bot', () => {
  const app = { appId: 'cli_a1', appSecret: 's', encryptKey: 'e', verificationToken: 'v', chatId: 'oc_1', host: 'open.feishu.cn' };
  it('takes either', () => {
    expect(createNotificationObjectBodySchema.safeParse({ name: 'a', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/x' }).success).toBe(true);
    expect(createNotificationObjectBodySchema.safeParse({ name: 'a', app }).success).toBe(true);
  });
  it('refuses neither, both, or an app without its credentials, naming the field', () => {
    const issues = (body: unknown) => createNotificationObjectBodySchema.safeParse(body).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ name: 'a' })).toEqual(['webhookUrl: required (or app, for a Lark app bot)']);
    expect(issues({ name: 'a', app, secret: 's' })).toEqual([expect.stringMatching(/^app: an app bot has no webhookUrl or secret/)]);
    expect(issues({ name: 'a', app: { ...app, encryptKey: undefined } })).toEqual([expect.stringMatching(/^app.encryptKey: /)]);
    expect(issues({ name: 'a', app: { ...app, chatId: 'chat-1' } })).toEqual(['app.chatId: must be a chat id (oc_…)']);
  });
});
