import { z } from 'zod';
import { ruleConditionShapeSchema, type LabelPair, type RuleConditionOperator } from '@alertlark/contracts';
import { compileAnchoredRegex, RegexSyntaxError } from './re2';
import { Matcher, matchesAll, newMatcher } from './matcher';

/**
 * The managed console's rule form: a policy matches when ANY rule matches, and a rule matches
 * when ALL its conditions hold. `in`/`not_in` take a list of values, the others one value.
 * As with Alertmanager matchers, a missing label has the empty value, and regexes are RE2,
 * anchored at both ends.
 */
export { ruleConditionOperatorSchema, type RuleConditionOperator } from '@alertlark/contracts';

const LIST_OPERATORS: ReadonlySet<RuleConditionOperator> = new Set(['in', 'not_in']);

export const ruleConditionSchema = ruleConditionShapeSchema
  .superRefine((condition, ctx) => {
    const issue = (message: string, path: (string | number)[] = ['value']) => ctx.addIssue({ code: 'custom', message, path });
    const isList = Array.isArray(condition.value);
    if (LIST_OPERATORS.has(condition.operator)) {
      if (!isList) issue(`operator '${condition.operator}' takes a list of values`);
      else if (condition.value.length === 0) issue(`operator '${condition.operator}' needs at least one value`);
      return;
    }
    if (isList) {
      issue(`operator '${condition.operator}' takes a single value, not a list`);
      return;
    }
    if (condition.operator === 'regex' || condition.operator === 'not_regex') {
      try {
        compileAnchoredRegex(condition.value as string);
      } catch (error) {
        if (!(error instanceof RegexSyntaxError)) throw error;
        issue(`invalid regular expression: ${error.message}`);
      }
    }
  });
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

export const ruleSchema = z
  .object({ conditions: z.array(ruleConditionSchema).min(1, 'a rule needs at least one condition') })
  .strict();
export type Rule = z.infer<typeof ruleSchema>;

/** An empty `rules` list matches every alert, like a policy without matchers. */
export const ruleMatchersSchema = z.object({ rules: z.array(ruleSchema) }).strict();
export type RuleMatchers = z.infer<typeof ruleMatchersSchema>;

export interface RuleMatchersIssue {
  /** Where the problem is, e.g. `rules[1].conditions[0].value`. */
  readonly path: string;
  readonly message: string;
}

export type RuleMatchersValidation =
  | { readonly ok: true; readonly value: RuleMatchers }
  | { readonly ok: false; readonly errors: readonly RuleMatchersIssue[] };

export class RuleMatchersError extends Error {
  override readonly name = 'RuleMatchersError';

  constructor(readonly errors: readonly RuleMatchersIssue[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** Checks untrusted input against ruleMatchersSchema, with every problem and where it is. */
export function validateRuleMatchers(input: unknown): RuleMatchersValidation {
  const result = ruleMatchersSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message })),
  };
}

/** RE2-escapes a literal for use inside a regex. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The Alertmanager matcher equivalent to one condition (`in` becomes an anchored alternation). */
export function conditionToMatcher(condition: RuleCondition): Matcher {
  const { label, operator, value } = condition;
  const list = Array.isArray(value) ? value : [value];
  switch (operator) {
    case 'equal':
      return newMatcher(label, '=', list[0] ?? '');
    case 'not_equal':
      return newMatcher(label, '!=', list[0] ?? '');
    case 'regex':
      return newMatcher(label, '=~', list[0] ?? '');
    case 'not_regex':
      return newMatcher(label, '!~', list[0] ?? '');
    case 'in':
      return newMatcher(label, '=~', list.map(escapeRegex).join('|'));
    case 'not_in':
      return newMatcher(label, '!~', list.map(escapeRegex).join('|'));
  }
}

/** Validates the rule form and turns it into one matcher list per rule; throws RuleMatchersError. */
export function ruleMatchersToMatchers(input: unknown): Matcher[][] {
  const checked = validateRuleMatchers(input);
  if (!checked.ok) throw new RuleMatchersError(checked.errors);
  return checked.value.rules.map((rule) => rule.conditions.map(conditionToMatcher));
}

/**
 * Validates the rule form and compiles it, once, to a predicate over an alert's labels:
 * OR across rules, AND inside a rule; no rules matches everything. Throws RuleMatchersError.
 */
export function compileRuleMatchers(input: unknown): (labels: readonly LabelPair[]) => boolean {
  const rules = ruleMatchersToMatchers(input);
  if (rules.length === 0) return () => true;
  return (labels) => rules.some((matchers) => matchesAll(matchers, labels));
}
