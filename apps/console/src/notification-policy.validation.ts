import type { CreateNotificationPolicyBody, TimeInterval } from '@alertlark/contracts';
import { DurationParseError, TimeIntervalError, compileTimeInterval, parseDuration, validateRuleMatchers } from '@alertlark/routing';
import { matcherIssues, type ValidationIssue } from './validation';

/** Durations are checked with the router's own parser (Prometheus rules), not just their shape. */
function durationIssues(body: CreateNotificationPolicyBody): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    try {
      const ms = parseDuration(value);
      if (ms === 0 && field !== 'groupWait') issues.push({ path: field, message: `${field} must be greater than zero` });
    } catch (error) {
      if (!(error instanceof DurationParseError)) throw error;
      issues.push({ path: field, message: error.message });
    }
  }
  return issues;
}

/** Escalation durations as the router parses them; a repeat's interval is never zero. */
function escalationIssues(escalation: CreateNotificationPolicyBody['escalation']): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (escalation?.steps ?? []).forEach((step, index) => {
    const check = (path: string, value: string, nonZero: boolean) => {
      try {
        if (parseDuration(value) === 0 && nonZero) issues.push({ path, message: 'must be greater than zero' });
      } catch (error) {
        if (!(error instanceof DurationParseError)) throw error;
        issues.push({ path, message: error.message });
      }
    };
    check(`escalation.steps.${index}.after`, step.after, false);
    if (step.repeat) check(`escalation.steps.${index}.repeat.every`, step.repeat.every, true);
  });
  return issues;
}

/** The rule form as the router compiles it: operators agree with their values, regexes are RE2. */
function ruleIssues(rules: CreateNotificationPolicyBody['rules']): ValidationIssue[] {
  if (rules === undefined) return [];
  const checked = validateRuleMatchers({ rules });
  return checked.ok ? [] : checked.errors.map((error) => ({ path: error.path, message: error.message }));
}

/** Each interval compiled as the router will compile it; the path leads into the field that fails. */
function timeIntervalIssues(field: 'muteTimeIntervals' | 'activeTimeIntervals', intervals: readonly TimeInterval[] | undefined): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (intervals ?? []).forEach((interval, index) => {
    try {
      compileTimeInterval(interval);
    } catch (error) {
      if (!(error instanceof TimeIntervalError)) throw error;
      issues.push({ path: error.path ? `${field}[${index}].${error.path}` : `${field}[${index}]`, message: error.reason });
    }
  });
  return issues;
}

/** Everything about a policy body that can be checked without the database, all problems at once. */
export function policyBodyIssues(body: CreateNotificationPolicyBody): ValidationIssue[] {
  return [
    ...matcherIssues('matchers', body.matchers),
    ...ruleIssues(body.rules),
    ...durationIssues(body),
    ...timeIntervalIssues('muteTimeIntervals', body.muteTimeIntervals),
    ...timeIntervalIssues('activeTimeIntervals', body.activeTimeIntervals),
    ...escalationIssues(body.escalation),
  ];
}
