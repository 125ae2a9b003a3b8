import { HttpException } from '@nestjs/common';
import { consoleEnvSchema } from './console.env';
import { rejectIfAtCap, teamCapsOf } from './team-caps';

describe('team caps', () => {
  const env = { KAFKA_BROKERS: '127.0.0.1:9092', MONGO_URL: 'mongodb://127.0.0.1/x', ALERTLARK_ADMIN_TOKEN: 'a'.repeat(16), ALERTLARK_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('defaults: 200 chatbots, 500 policies, 1,000 pending or active silences, 200 inhibition rules; each configurable', () => {
    expect(teamCapsOf(consoleEnvSchema.parse(env))).toEqual({ chatbots: 200, policies: 500, silences: 1_000, inhibitionRules: 200 });
    const set = consoleEnvSchema.parse({ ...env, CONSOLE_TEAM_MAX_CHATBOTS: '3', CONSOLE_TEAM_MAX_POLICIES: '4', CONSOLE_TEAM_MAX_SILENCES: '5', CONSOLE_TEAM_MAX_INHIBITION_RULES: '6' });
    expect(teamCapsOf(set)).toEqual({ chatbots: 3, policies: 4, silences: 5, inhibitionRules: 6 });
    expect(consoleEnvSchema.safeParse({ ...env, CONSOLE_TEAM_MAX_POLICIES: '0' }).success).toBe(false);
  });

  it('passes below the limit and is a 409 naming it at the limit', () => {
    expect(() => rejectIfAtCap('chatbots', 199, 200)).not.toThrow();
    for (const count of [200, 250]) {
      let error: unknown;
      try {
        rejectIfAtCap('chatbots', count, 200);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HttpException);
      expect((error as HttpException).getStatus()).toBe(409);
      expect((error as HttpException).getResponse()).toEqual({
        error: 'limit_reached',
        message: `a team may have at most 200 chatbots; it has ${count}: delete one first`,
        details: { limit: 200, count },
      });
    }
  });
});
