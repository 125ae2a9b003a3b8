import { createNotificationPolicyBodySchema } from '@alertlark/contracts';
import { policyBodyIssues } from './notification-policy.validation';

const body = (fields: Record<string, unknown>) => createNotificationPolicyBodySchema.parse({ name: 'p', objectIds: ['nobj_1'], ...fields });

describe('policyBodyIssues', () => {
  it('accepts a policy with matchers, rules, durations and time intervals', () => {
    const policy = body({
      matchers: ['severity="critical"'],
      rules: [{ conditions: [{ label: 'team', operator: 'in', value: ['payments', 'billing'] }] }],
      groupWait: '0s',
      repeatInterval: '1h30m',
      muteTimeIntervals: [{ weekdays: ['saturday', 'sunday'] }],
      activeTimeIntervals: [{ times: [{ start: '09:00', end: '18:00' }], timezone: 'Asia/Shanghai' }],
    });
    expect(policyBodyIssues(policy)).toEqual([]);
  });

  it('names a bad matcher and where it breaks', () => {
    expect(policyBodyIssues(body({ matchers: ['a="1"', 'team=~"(payments"'] }))).toEqual([
      { path: 'matchers.1', position: expect.any(Number), message: expect.any(String) },
    ]);
  });

  it('names the condition of a rule whose value does not fit its operator', () => {
    const rules = [{ conditions: [{ label: 'a', operator: 'equal', value: 'x' }, { label: 'b', operator: 'in', value: 'x' }] }];
    expect(policyBodyIssues(body({ rules }))).toEqual([{ path: 'rules[0].conditions[1].value', message: expect.stringContaining('list') }]);
  });

  it('accepts an escalation, and names a step whose durations the router would refuse', () => {
    const steps = [{ after: '10m', when: 'unclaimed', objectIds: ['nobj_1'], mentions: ['all', 'ou_abc'], repeat: { every: '5m', times: 2 } }];
    expect(policyBodyIssues(body({ escalation: { steps } }))).toEqual([]);
    const bad = [{ after: '5m1h', when: 'unresolved', objectIds: ['nobj_1'] }, { after: '0s', when: 'unclaimed', objectIds: ['nobj_1'], repeat: { every: '0m', times: 1 } }];
    expect(policyBodyIssues(body({ escalation: { steps: bad } })).map((issue) => issue.path)).toEqual(['escalation.steps.0.after', 'escalation.steps.1.repeat.every']);
    expect(createNotificationPolicyBodySchema.safeParse({ name: 'p', objectIds: ['nobj_1'], escalation: { steps: [{ after: '1m', when: 'unclaimed', objectIds: ['nobj_1'], mentions: ['@bob'] }] } }).success).toBe(false);
  });

  it('refuses a zero group or repeat interval, but not a zero group wait', () => {
    expect(policyBodyIssues(body({ groupWait: '0s', groupInterval: '0s', repeatInterval: '0m' })).map((issue) => issue.path)).toEqual([
      'groupInterval',
      'repeatInterval',
    ]);
  });

  it('names the field of a time interval that Alertmanager would refuse', () => {
    const issues = policyBodyIssues(
      body({
        muteTimeIntervals: [{ weekdays: ['monday'] }, { weekdays: ['monday', 'funday'] }],
        activeTimeIntervals: [{ times: [{ start: '25:00', end: '26:00' }] }],
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['muteTimeIntervals[1].weekdays[1]', expect.stringMatching(/^activeTimeIntervals\[0\]\.times\[0\]/)]);
  });

  it('reports every problem at once', () => {
    const issues = policyBodyIssues(body({ matchers: ['=x'], groupInterval: '0s', muteTimeIntervals: [{ months: ['smarch'] }] }));
    expect(issues.map((issue) => issue.path)).toEqual(['matchers.0', 'groupInterval', 'muteTimeIntervals[0].months[0]']);
  });
});
