import { alertEventSchema, configEventSchema, type NotificationPolicyConfig } from '@alertlark/contracts';
import { alertPartition } from '@alertlark/kafka';
import { compilePolicy, matchPolicies } from '@alertlark/routing';
import { buildAlertLoad, configEvents, lastPolicyKey, teamId, teardownEvents, type LoadShape } from './router-load';

const shape: LoadShape = { runId: 'benchtest', teams: 20, policiesPerTeam: 25, distinctAlerts: 2_000, alerts: 20_000 };

describe('router-throughput load', () => {
  const config = configEvents(shape);
  const policies = config.flatMap((event) => (event.type === 'policy.upserted' ? [event.policy] : []));

  it('configures 20 teams with 25 valid policies each, the last one published last', () => {
    for (const event of config) expect(configEventSchema.safeParse(event).success).toBe(true);
    expect(config.filter((event) => event.type === 'team.upserted')).toHaveLength(20);
    expect(policies).toHaveLength(500);
    expect(`policy/${policies.at(-1)!.id}`).toBe(lastPolicyKey(shape));
    expect(teardownEvents(shape)).toHaveLength(20);
    expect(() => policies.map(compilePolicy)).not.toThrow();
  });

  it('sends 2000 distinct alerts over 200 alertnames: new, re-sent, resolved and fired again, mostly matching', () => {
    const load = buildAlertLoad(shape, Date.parse('2026-11-24T10:00:00Z'));
    const events = load.messages.map((message) => alertEventSchema.parse(JSON.parse(message.value)));
    expect(events).toHaveLength(20_000);
    expect(new Set(load.messages.map((message) => message.key)).size).toBe(2_000);
    expect(load.alertnames).toBe(200);
    expect(load.kinds).toEqual({ new: 2_000, resend: 14_600, resolve: 1_800, refire: 1_600 });

    const byTeam = new Map<string, NotificationPolicyConfig[]>();
    for (const policy of policies) byTeam.set(policy.teamId, [...(byTeam.get(policy.teamId) ?? []), policy]);
    const compiled = new Map([...byTeam].map(([team, list]) => [team, list.map(compilePolicy)]));
    const matched = events.map((event) => matchPolicies(compiled.get(event.teamId)!, event.labels).length);
    expect(Math.max(...matched)).toBe(1);
    expect(matched.filter((count) => count === 1)).toHaveLength(load.matching);
    expect(load.matching / events.length).toBeGreaterThan(0.8);
  });

  it('puts team t on partition t mod 12: 24 teams give every partition two, however routers split them', () => {
    const wide = { ...shape, teams: 24 };
    const partitions = Array.from({ length: 24 }, (_, team) => alertPartition(teamId(wide, team)));
    expect(partitions).toEqual(Array.from({ length: 24 }, (_, team) => team % 12));
    const configured = configEvents(wide).flatMap((event) => (event.type === 'team.upserted' ? [event.team.id] : []));
    expect(configured).toEqual(partitions.map((_, team) => teamId(wide, team)));
  });
});
