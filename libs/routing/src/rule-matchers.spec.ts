import { compileRuleMatchers, RuleMatchersError, ruleMatchersSchema, ruleMatchersToMatchers, validateRuleMatchers } from './rule-matchers';

const labels = (record: Record<string, string>) => Object.entries(record).map(([name, value]) => ({ name, value }));

describe('validateRuleMatchers', () => {
  it('accepts a valid form', () => {
    const input = {
      rules: [
        { conditions: [{ label: 'severity', operator: 'in', value: ['critical', 'warning'] }] },
        { conditions: [{ label: 'team', operator: 'equal', value: 'infra' }, { label: 'env', operator: 'regex', value: 'prod-.*' }] },
      ],
    };
    expect(validateRuleMatchers(input)).toEqual({ ok: true, value: input });
    expect(ruleMatchersSchema.safeParse(input).success).toBe(true);
  });

  it.each<[unknown, string, string]>([
    [{}, 'rules', ''],
    [{ rules: [{ conditions: [] }] }, 'rules[0].conditions', 'a rule needs at least one condition'],
    [{ rules: [{ conditions: [{ label: '', operator: 'equal', value: 'x' }] }] }, 'rules[0].conditions[0].label', 'label name must not be empty'],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'like', value: 'x' }] }] }, 'rules[0].conditions[0].operator', ''],
    [
      { rules: [{ conditions: [{ label: 'a', operator: 'equal', value: 'x' }] }, { conditions: [{ label: 'a', operator: 'in', value: 'x' }] }] },
      'rules[1].conditions[0].value',
      "operator 'in' takes a list of values",
    ],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'not_in', value: [] }] }] }, 'rules[0].conditions[0].value', "operator 'not_in' needs at least one value"],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'equal', value: ['x'] }] }] }, 'rules[0].conditions[0].value', "operator 'equal' takes a single value"],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'regex', value: '(x' }] }] }, 'rules[0].conditions[0].value', 'invalid regular expression: missing closing )'],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'not_regex', value: 'a(?!b)' }] }] }, 'rules[0].conditions[0].value', 'look-around'],
    [{ rules: [{ conditions: [{ label: 'a', operator: 'equal', value: 'x', extra: 1 }] }] }, 'rules[0].conditions[0]', ''],
  ])('refuses %j at %s', (input, path, message) => {
    const result = validateRuleMatchers(input);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.path)).toContain(path);
    expect(errors.find((e) => e.path === path)?.message).toContain(message);
  });
});

describe('compileRuleMatchers', () => {
  const predicate = compileRuleMatchers({
    rules: [
      { conditions: [{ label: 'severity', operator: 'in', value: ['critical', 'page.me'] }, { label: 'env', operator: 'not_equal', value: 'dev' }] },
      { conditions: [{ label: 'team', operator: 'regex', value: 'db|cache' }, { label: 'service', operator: 'not_in', value: ['replica'] }] },
      { conditions: [{ label: 'alertname', operator: 'equal', value: 'Watchdog' }, { label: 'job', operator: 'not_regex', value: '.+' }] },
    ],
  });

  it.each<[Record<string, string>, boolean]>([
    [{ severity: 'critical', env: 'prod' }, true],
    [{ severity: 'critical' }, true],
    [{ severity: 'critical', env: 'dev' }, false],
    [{ severity: 'critical-ish' }, false],
    [{ severity: 'pageXme' }, false],
    [{ severity: 'page.me' }, true],
    [{ team: 'db' }, true],
    [{ team: 'dbx' }, false],
    [{ team: 'cache', service: 'replica' }, false],
    [{ alertname: 'Watchdog' }, true],
    [{ alertname: 'Watchdog', job: 'node' }, false],
    [{}, false],
  ])('%j -> %s', (record, expected) => {
    expect(predicate(labels(record))).toBe(expected);
  });

  it('matches everything when there are no rules', () => {
    expect(compileRuleMatchers({ rules: [] })(labels({ a: '1' }))).toBe(true);
  });

  it('throws every problem at once', () => {
    expect(() => compileRuleMatchers({ rules: [{ conditions: [] }, { conditions: [{ label: 'a', operator: 'in', value: 'x' }] }] })).toThrow(
      new RuleMatchersError([
        { path: 'rules[0].conditions', message: 'a rule needs at least one condition' },
        { path: 'rules[1].conditions[0].value', message: "operator 'in' takes a list of values" },
      ]),
    );
  });

  it('turns the form into Alertmanager matchers', () => {
    const sets = ruleMatchersToMatchers({ rules: [{ conditions: [{ label: 'severity', operator: 'in', value: ['a.b', 'c|d'] }] }] });
    expect(sets.map((set) => set.map((m) => [m.name, m.operator, m.value]))).toEqual([[['severity', '=~', 'a\\.b|c\\|d']]]);
  });
});
