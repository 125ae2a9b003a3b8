import type { LabelPair, NotificationPolicyConfig } from '@alertlark/contracts';
import { DurationParseError, parseDuration } from './duration';
import { GROUP_BY_ALL } from './group-key';
import { Matcher, MatcherParseError, matchesAll, parseMatcher } from './matcher';
import { RuleMatchersError, ruleMatchersToMatchers } from './rule-matchers';
import { compileTimeInterval, TimeIntervalError, type CompiledTimeInterval } from './time-interval';

/** Defaults used when a policy leaves a field out. */
export const POLICY_DEFAULTS = Object.freeze({
  groupBy: Object.freeze(['alertname']) as readonly string[],
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
});

/** A notification policy ready for routing: matchers parsed, durations in milliseconds. */
export interface CompiledPolicy {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly matchers: readonly Matcher[];
  /** The rule form: one matcher list per rule, any of which must match; empty = no rules. */
  readonly rules: readonly (readonly Matcher[])[];
  readonly objectIds: readonly string[];
  /** Label names to group by, deduplicated; `['...']` groups by every label. */
  readonly groupBy: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly sendResolved: boolean;
  readonly timeWindows: { readonly mute: readonly CompiledTimeInterval[]; readonly active: readonly CompiledTimeInterval[] };
  readonly escalation: readonly CompiledEscalationStep[];
}

export interface CompiledEscalationStep {
  readonly afterMs: number;
  readonly when: 'unclaimed' | 'unresolved';
  readonly objectIds: readonly string[];
  readonly mentions: readonly string[];
  /** How many more times it fires, `everyMs` apart (0: once). */
  readonly repeatTimes: number;
  readonly everyMs: number;
  /** The durations as written, for the card's line ("unclaimed for 10m"). */
  readonly after: string;
  readonly every: string | undefined;
}

/** A policy that cannot be compiled; `path` names the field, e.g. `matchers[1]` or `groupWait`. */
export class PolicyCompileError extends Error {
  override readonly name = 'PolicyCompileError';

  constructor(
    readonly policyId: string,
    readonly path: string,
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(`policy ${policyId}: ${path}: ${reason}`);
  }
}

/** Normalises `groupBy`: `'...'` anywhere means all labels; duplicates and blanks are dropped. */
function normaliseGroupBy(groupBy: readonly string[]): readonly string[] {
  if (groupBy.includes(GROUP_BY_ALL)) return Object.freeze([GROUP_BY_ALL]);
  return Object.freeze([...new Set(groupBy.filter((name) => name !== ''))]);
}

function durationMs(config: NotificationPolicyConfig, field: 'groupWait' | 'groupInterval' | 'repeatInterval'): number {
  try {
    const ms = parseDuration(config[field] ?? POLICY_DEFAULTS[field]);
    if (ms === 0 && field !== 'groupWait') throw new DurationParseError(`${field} cannot be zero`);
    return ms;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyCompileError(config.id, field, reason, error);
  }
}

/**
 * Compiles a policy from the config topic. Each `matchers` entry is one matcher, parsed with
 * parseMatcher exactly as the console validates it; all must match. Missing fields take
 * POLICY_DEFAULTS. Throws PolicyCompileError naming the faulty field.
 */
export function compilePolicy(config: NotificationPolicyConfig): CompiledPolicy {
  const matchers = config.matchers.map((entry, index) => {
    try {
      return parseMatcher(entry);
    } catch (error) {
      if (!(error instanceof MatcherParseError)) throw error;
      throw new PolicyCompileError(config.id, `matchers[${index}]`, error.message, error);
    }
  });
  let rules: Matcher[][] = [];
  try {
    rules = config.rules ? ruleMatchersToMatchers({ rules: config.rules }) : [];
  } catch (error) {
    if (!(error instanceof RuleMatchersError)) throw error;
    throw new PolicyCompileError(config.id, 'rules', error.message, error);
  }
  const windows = (field: 'muteTimeIntervals' | 'activeTimeIntervals') =>
    (config[field] ?? []).map((interval, index) => {
      try {
        return compileTimeInterval(interval);
      } catch (error) {
        if (!(error instanceof TimeIntervalError)) throw error;
        throw new PolicyCompileError(config.id, `${field}[${index}].${error.path}`, error.reason, error);
      }
    });
  return Object.freeze({
    id: config.id,
    teamId: config.teamId,
    name: config.name,
    enabled: config.enabled,
    matchers: Object.freeze(matchers),
    rules: Object.freeze(rules),
    objectIds: Object.freeze([...config.objectIds]),
    groupBy: normaliseGroupBy(config.groupBy ?? POLICY_DEFAULTS.groupBy),
    groupWaitMs: durationMs(config, 'groupWait'),
    groupIntervalMs: durationMs(config, 'groupInterval'),
    repeatIntervalMs: durationMs(config, 'repeatInterval'),
    sendResolved: config.sendResolved,
    timeWindows: Object.freeze({ mute: windows('muteTimeIntervals'), active: windows('activeTimeIntervals') }),
    escalation: Object.freeze((config.escalation?.steps ?? []).map((step, index) => compileEscalationStep(config.id, index, step))),
  });
}

function compileEscalationStep(policyId: string, index: number, step: NonNullable<NotificationPolicyConfig['escalation']>['steps'][number]): CompiledEscalationStep {
  const ms = (field: 'after' | 'every', text: string) => {
    try {
      const value = parseDuration(text);
      if (field === 'every' && value === 0) throw new DurationParseError('every cannot be zero');
      return value;
    } catch (error) {
      if (!(error instanceof DurationParseError)) throw error;
      throw new PolicyCompileError(policyId, `escalation.steps[${index}].${field === 'every' ? 'repeat.every' : 'after'}`, error.message, error);
    }
  };
  return Object.freeze({
    afterMs: ms('after', step.after),
    when: step.when,
    objectIds: Object.freeze([...step.objectIds]),
    mentions: Object.freeze([...(step.mentions ?? [])]),
    repeatTimes: step.repeat?.times ?? 0,
    everyMs: step.repeat ? ms('every', step.repeat.every) : 0,
    after: step.after,
    every: step.repeat?.every,
  });
}

/**
 * Whether one policy takes these labels: enabled, every matcher matches (none = all), and, when
 * the policy has rules, at least one rule matches.
 */
export function policyMatches(policy: Pick<CompiledPolicy, 'enabled' | 'matchers' | 'rules'>, labels: readonly LabelPair[]): boolean {
  return policy.enabled && matchesAll(policy.matchers, labels) && (policy.rules.length === 0 || policy.rules.some((rule) => matchesAll(rule, labels)));
}

/** The enabled policies whose matchers all match the labels, in the order given. */
export function matchPolicies<P extends Pick<CompiledPolicy, 'enabled' | 'matchers' | 'rules'>>(
  policies: readonly P[],
  labels: readonly LabelPair[],
): P[] {
  return policies.filter((policy) => policyMatches(policy, labels));
}
