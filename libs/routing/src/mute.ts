import type { InhibitionRuleConfig, LabelPair, SilenceConfig } from '@alertlark/contracts';
import { labelValue } from '@alertlark/contracts';
import { matchesAll, parseMatcher, type Matcher } from './matcher';

/** A silence ready to check: matchers parsed, times in epoch milliseconds. */
export interface CompiledSilence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
}

export function compileSilence(silence: SilenceConfig): CompiledSilence {
  return {
    id: silence.id,
    matchers: silence.matchers.map((matcher) => parseMatcher(matcher)),
    startsAt: Date.parse(silence.startsAt),
    endsAt: Date.parse(silence.endsAt),
  };
}

/** Alertmanager's silence states: pending before it starts, active until it ends, then expired. */
export function silenceState(silence: Pick<CompiledSilence, 'startsAt' | 'endsAt'>, now: number): 'pending' | 'active' | 'expired' {
  if (now < silence.startsAt) return 'pending';
  return now < silence.endsAt ? 'active' : 'expired';
}

/** The ids of the active silences whose matchers all match the labels. */
export function silencedBy(silences: readonly CompiledSilence[], labels: readonly LabelPair[], now: number): string[] {
  return silences.filter((silence) => silenceState(silence, now) === 'active' && matchesAll(silence.matchers, labels)).map((silence) => silence.id);
}

export interface CompiledInhibitionRule {
  readonly id: string;
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  readonly equal: readonly string[];
}

export function compileInhibitionRule(rule: InhibitionRuleConfig): CompiledInhibitionRule {
  return {
    id: rule.id,
    source: rule.sourceMatchers.map((matcher) => parseMatcher(matcher)),
    target: rule.targetMatchers.map((matcher) => parseMatcher(matcher)),
    equal: [...new Set(rule.equal)],
  };
}

export interface InhibitionCandidate {
  readonly fingerprint: string;
  readonly labels: readonly LabelPair[];
}

/**
 * The rules that inhibit `target`, given the team's firing alerts. As in Alertmanager: a source
 * must fire, match the source matchers and carry the same value (a missing label is empty) for
 * every `equal` label; an alert never inhibits itself; and when the target also matches the
 * source matchers, sources that also match the target matchers are ignored, so two such alerts
 * cannot silence each other.
 */
export function inhibitedBy(rules: readonly CompiledInhibitionRule[], target: InhibitionCandidate, firing: readonly InhibitionCandidate[]): string[] {
  return rules
    .filter((rule) => {
      if (!matchesAll(rule.target, target.labels)) return false;
      const targetIsSource = matchesAll(rule.source, target.labels);
      return firing.some(
        (source) =>
          source.fingerprint !== target.fingerprint &&
          matchesAll(rule.source, source.labels) &&
          !(targetIsSource && matchesAll(rule.target, source.labels)) &&
          rule.equal.every((name) => (labelValue(source.labels, name) ?? '') === (labelValue(target.labels, name) ?? '')),
      );
    })
    .map((rule) => rule.id);
}

/** The firing alerts a rule's sources are looked up in: one team's, as of one instant. */
export interface InhibitionIndex {
  /** Whether some source inhibits `target` under the rule (Alertmanager's rules, as `inhibitedBy`). */
  inhibits(target: InhibitionCandidate): boolean;
}

/**
 * `inhibitedBy` for many targets at once: the sources are counted once per value of the rule's
 * `equal` labels, so checking a target is one lookup instead of a scan of the team's alerts.
 * Sources that also match the target matchers are counted apart: a target that is itself a
 * source ignores them (no mutual inhibition, and never itself).
 */
export function indexInhibitionSources(rule: CompiledInhibitionRule, firing: Iterable<InhibitionCandidate>): InhibitionIndex {
  const counts = new Map<string, { all: number; alsoTargets: number }>();
  const signature = (labels: readonly LabelPair[]) => JSON.stringify(rule.equal.map((name) => labelValue(labels, name) ?? ''));
  for (const source of firing) {
    if (!matchesAll(rule.source, source.labels)) continue;
    const key = signature(source.labels);
    const count = counts.get(key) ?? { all: 0, alsoTargets: 0 };
    count.all++;
    if (matchesAll(rule.target, source.labels)) count.alsoTargets++;
    counts.set(key, count);
  }
  return {
    inhibits(target) {
      if (!matchesAll(rule.target, target.labels)) return false;
      const count = counts.get(signature(target.labels));
      if (!count) return false;
      return (matchesAll(rule.source, target.labels) ? count.all - count.alsoTargets : count.all) > 0;
    },
  };
}
