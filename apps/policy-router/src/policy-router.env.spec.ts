import { MAX_GROUP_MEMBERS_LIMIT } from '@alertlark/contracts';
import { parseEnv } from '@alertlark/service-kit';
import { policyRouterEnvSchema } from './policy-router.env';

describe('policy-router environment', () => {
  it('holds 10,000 members a group by default, or what POLICY_ROUTER_MAX_GROUP_MEMBERS says', () => {
    expect(parseEnv(policyRouterEnvSchema, {}).POLICY_ROUTER_MAX_GROUP_MEMBERS).toBe(10_000);
    expect(parseEnv(policyRouterEnvSchema, { POLICY_ROUTER_MAX_GROUP_MEMBERS: '50' }).POLICY_ROUTER_MAX_GROUP_MEMBERS).toBe(50);
  });

  it.each(['0', 'many', String(MAX_GROUP_MEMBERS_LIMIT + 1)])('stops at boot naming POLICY_ROUTER_MAX_GROUP_MEMBERS when it is %s', (value) => {
    expect(() => parseEnv(policyRouterEnvSchema, { POLICY_ROUTER_MAX_GROUP_MEMBERS: value })).toThrow(/^invalid configuration: POLICY_ROUTER_MAX_GROUP_MEMBERS: /);
  });
});
