import type { NotificationPolicyConfig } from '@alertlark/contracts';
import { compilePolicy, matchPolicies, PolicyCompileError } from './policy-match';

function config(overrides: Partial<NotificationPolicyConfig> = {}): NotificationPolicyConfig {
  return { id: 'p1', teamId: 't1', name: 'Critical', matchers: [], objectIds: ['o1'], sendResolved: true, enabled: true, ...overrides };
}

const labels = (record: Record<string, string>) => Object.entries(record).map(([name, value]) => ({ name, value }));

describe('compilePolicy', () => {
  it('fills in the defaults', () => {
    const policy = compilePolicy(config());
    expect(policy).toMatchObject({
      id: 'p1',
      teamId: 't1',
      name: 'Critical',
      enabled: true,
      matchers: [],
      objectIds: ['o1'],
      groupBy: ['alertname'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      sendResolved: true,
    });
  });

  it('compiles escalation steps with their durations in ms, and names a step that cannot be', () => {
    const policy = compilePolicy(config({ escalation: { steps: [{ after: '10m', when: 'unclaimed', objectIds: ['o2'], mentions: ['all'], repeat: { every: '5m', times: 2 } }] } }));
    expect(policy.escalation).toEqual([{ afterMs: 600_000, when: 'unclaimed', objectIds: ['o2'], mentions: ['all'], repeatTimes: 2, everyMs: 300_000, after: '10m', every: '5m' }]);
    expect(compilePolicy(config()).escalation).toEqual([]);
    expect(() => compilePolicy(config({ escalation: { steps: [{ after: '1m', when: 'unresolved', objectIds: ['o2'], mentions: [], repeat: { every: '0s', times: 1 } }] } }))).toThrow(PolicyCompileError);
  });

  it('parses matchers and durations', () => {
    const policy = compilePolicy(
      config({ matchers: ['severity=~"critical|warning"', 'team="infra"'], groupBy: ['cluster', 'alertname'], groupWait: '0s', groupInterval: '1m', repeatInterval: '1h30m' }),
    );
    expect(policy.matchers.map((m) => [m.name, m.operator, m.value])).toEqual([
      ['severity', '=~', 'critical|warning'],
      ['team', '=', 'infra'],
    ]);
    expect(policy.groupBy).toEqual(['cluster', 'alertname']);
    expect([policy.groupWaitMs, policy.groupIntervalMs, policy.repeatIntervalMs]).toEqual([0, 60_000, 5_400_000]);
  });

  it.each<[string[] | undefined, string[]]>([
    [[], []],
    [['...'], ['...']],
    [['alertname', '...'], ['...']],
    [['a', 'a', ''], ['a']],
  ])('normalises groupBy %j to %j', (groupBy, expected) => {
    expect(compilePolicy(config(groupBy ? { groupBy } : {})).groupBy).toEqual(expected);
  });

  it.each<[Partial<NotificationPolicyConfig>, string, string]>([
    [{ matchers: ['a=1', 'b=~"(x"'] }, 'matchers[1]', 'invalid regular expression "(x" at position 3'],
    [{ matchers: ['{a=1}'] }, 'matchers[0]', "unexpected '{' at position 0"],
    [{ matchers: [''] }, 'matchers[0]', 'found no matcher'],
    [{ groupWait: '30x' }, 'groupWait', 'unknown unit "x"'],
    [{ groupInterval: '0s' }, 'groupInterval', 'groupInterval cannot be zero'],
    [{ repeatInterval: '30m1h' }, 'repeatInterval', 'from largest to smallest'],
  ])('refuses %j at %s', (overrides, path, message) => {
    let error: unknown;
    try {
      compilePolicy(config(overrides));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect((error as PolicyCompileError).path).toBe(path);
    expect((error as PolicyCompileError).message).toContain(`policy p1: ${path}: `);
    expect((error as PolicyCompileError).message).toContain(message);
  });
});

describe('matchPolicies', () => {
  const policies = [
    compilePolicy(config({ id: 'all' })),
    compilePolicy(config({ id: 'critical', matchers: ['severity="critical"'] })),
    compilePolicy(config({ id: 'infra-critical', matchers: ['severity="critical"', 'team="infra"'] })),
    compilePolicy(config({ id: 'disabled', enabled: false })),
    compilePolicy(config({ id: 'no-team', matchers: ['team=""'] })),
    compilePolicy(config({ id: 'not-db', matchers: ['service!~"db|cache"'] })),
  ];

  it.each<[Record<string, string>, string[]]>([
    [{ severity: 'critical', team: 'infra' }, ['all', 'critical', 'infra-critical', 'not-db']],
    [{ severity: 'critical' }, ['all', 'critical', 'no-team', 'not-db']],
    [{ severity: 'warning', service: 'db' }, ['all', 'no-team']],
    [{ service: 'dbx' }, ['all', 'no-team', 'not-db']],
  ])('%j matches %j', (record, ids) => {
    expect(matchPolicies(policies, labels(record)).map((p) => p.id)).toEqual(ids);
  });
});

describe('rules and time windows', () => {
  const rules = [
    { conditions: [{ label: 'severity', operator: 'in' as const, value: ['critical', 'page'] }] },
    { conditions: [{ label: 'team', operator: 'equal' as const, value: 'db' }, { label: 'env', operator: 'not_equal' as const, value: 'dev' }] },
  ];

  it.each<[Record<string, string>, boolean]>([
    [{ severity: 'critical', service: 'api' }, true],
    [{ severity: 'warning', team: 'db', env: 'prod' }, true],
    [{ severity: 'warning', team: 'db', env: 'dev' }, false],
    [{ severity: 'critical', service: 'cache' }, false], // the matcher still applies
  ])('a policy with rules takes %j: %s (any rule, and all matchers)', (record, expected) => {
    const policy = compilePolicy(config({ matchers: ['service!="cache"'], rules }));
    expect(matchPolicies([policy], labels(record))).toHaveLength(expected ? 1 : 0);
  });

  it.each([
    [{ rules: [{ conditions: [{ label: 'a', operator: 'in' as const, value: 'x' }] }] }, 'rules', "operator 'in' takes a list of values"],
    [{ muteTimeIntervals: [{ weekdays: ['funday'] }] }, 'muteTimeIntervals[0].weekdays[0]', 'funday'],
    [{ activeTimeIntervals: [{}, { times: [{ start: '18:00', end: '09:00' }] }] }, 'activeTimeIntervals[1].times[0].end', ''],
  ])('refuses %j at %s', (overrides, path, message) => {
    expect(() => compilePolicy(config(overrides))).toThrow(PolicyCompileError);
    try {
      compilePolicy(config(overrides));
    } catch (error) {
      expect((error as PolicyCompileError).path).toBe(path);
      expect((error as PolicyCompileError).message).toContain(message);
    }
  });

  it('compiles time windows for the flush to check', () => {
    const policy = compilePolicy(config({ muteTimeIntervals: [{ weekdays: ['saturday', 'sunday'] }] }));
    expect(policy.timeWindows.mute).toHaveLength(1);
    expect(policy.timeWindows.active).toEqual([]);
  });
});
