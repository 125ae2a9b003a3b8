import { BotRegistry, botSchema, parseBotsEnv } from './bots';
import { MessageLog } from './message-log';

describe('BotRegistry', () => {
  it('upserts, lists and removes bots', () => {
    const reg = new BotRegistry();
    expect(reg.upsert({ token: 't1', keywords: ['alert'] })).toBe(true);
    expect(reg.upsert({ token: 't1', secret: 's' })).toBe(false);
    expect(reg.get('t1')).toEqual({ token: 't1', secret: 's', keywords: undefined });
    expect(reg.list()).toHaveLength(1);
    expect(reg.remove('t1')).toBe(true);
    expect(reg.get('t1')).toBeUndefined();
  });

  it('validates bots: token charset, at most 10 keywords, rate-limit style', () => {
    expect(botSchema.safeParse({ token: 'ok-token_1' }).success).toBe(true);
    expect(botSchema.safeParse({ token: 'bad/token' }).success).toBe(false);
    expect(botSchema.safeParse({ token: 't', keywords: Array(11).fill('k') }).success).toBe(false);
    expect(botSchema.safeParse({ token: 't', rateLimitStyle: '429' }).success).toBe(false);
  });
});

describe('parseBotsEnv', () => {
  it('parses a JSON array and treats empty as none', () => {
    expect(parseBotsEnv(undefined)).toEqual([]);
    expect(parseBotsEnv(' ')).toEqual([]);
    expect(parseBotsEnv('[{"token":"a","keywords":["alert"],"rateLimitStyle":"9499"}]')).toEqual([
      { token: 'a', keywords: ['alert'], rateLimitStyle: '9499' },
    ]);
  });

  it('throws on bad JSON or bad bots', () => {
    expect(() => parseBotsEnv('{')).toThrow(/not valid JSON/);
    expect(() => parseBotsEnv('[{"secret":"x"}]')).toThrow(/invalid/);
  });
});

describe('MessageLog', () => {
  const rec = (token: string, accepted: boolean) => ({
    token, accepted, receivedAt: '2024-01-01T00:00:00.000Z', code: accepted ? 0 : 19024, msg: '', body: null, rawSize: 2, httpStatus: 200,
  });

  it('assigns increasing ids that keep increasing after clear, and filters', () => {
    const log = new MessageLog();
    expect(log.add(rec('a', true)).id).toBe(1);
    expect(log.add(rec('b', false)).id).toBe(2);
    expect(log.list({ token: 'a' }).map((r) => r.id)).toEqual([1]);
    expect(log.list({ accepted: false }).map((r) => r.id)).toEqual([2]);
    expect(log.clear()).toBe(2);
    expect(log.list()).toEqual([]);
    expect(log.add(rec('a', true)).id).toBe(3);
  });
});
