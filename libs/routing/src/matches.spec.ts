import type { LabelPair } from '@alertlark/contracts';
import { matches, matchesAll, parseMatcher, parseMatchers } from './matcher';

const labels = (record: Record<string, string>): LabelPair[] =>
  Object.entries(record).map(([name, value]) => ({ name, value }));

describe('matches', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['foo=bar', { foo: 'bar' }, true],
    ['foo=bar', { foo: 'baz' }, false],
    ['foo=bar', {}, false],
    ['foo!=bar', { foo: 'baz' }, true],
    ['foo!=bar', {}, true],
    ['foo!=bar', { foo: 'bar' }, false],
    // A missing label has the empty value.
    ['foo=""', {}, true],
    ['foo=""', { foo: 'x' }, false],
    ['foo!=""', { foo: 'x' }, true],
    ['foo!=""', {}, false],
    ['foo=~".*"', {}, true],
    ['foo=~".+"', {}, false],
    ['foo!~".+"', {}, true],
    // Regexes are anchored at both ends.
    ['foo=~"bar"', { foo: 'bar' }, true],
    ['foo=~"bar"', { foo: 'foobar' }, false],
    ['foo=~"bar"', { foo: 'barfoo' }, false],
    ['foo=~"bar|baz"', { foo: 'barbaz' }, false],
    ['foo=~"bar|baz"', { foo: 'baz' }, true],
    ['foo=~"ba."', { foo: 'bar' }, true],
    ['foo!~"bar"', { foo: 'foobar' }, true],
    ['foo!~"bar"', { foo: 'bar' }, false],
    ['foo!~"bar"', {}, true],
    ['instance=~"web-[0-9]+:9100"', { instance: 'web-12:9100' }, true],
    ['instance=~"web-[0-9]+:9100"', { instance: 'web-12:91000' }, false],
    // RE2 semantics, not JavaScript's.
    ['severity=~"(?i)critical"', { severity: 'CRITICAL' }, true],
    ['severity=~"crit(?i)ical|warn"', { severity: 'WARN' }, true],
    ['severity=~"crit(?i)ical|warn"', { severity: 'CRITICAL' }, false],
    ['foo=~"."', { foo: '\n' }, false],
    ['foo=~"."', { foo: '\r' }, true],
    ['foo=~"(?s)."', { foo: '\n' }, true],
    ['foo=~"."', { foo: '🙂' }, true],
    ['foo=~"\\\\s"', { foo: '\u00a0' }, false],
    ['foo=~"[[:digit:]]+"', { foo: '42' }, true],
    ['foo=~"a{,2}"', { foo: 'a{,2}' }, true],
    ['host=~"(a+)+b"', { host: 'a'.repeat(34) + 'c' }, false],
    ['host!~"(a+)+b"', { host: 'a'.repeat(34) + 'c' }, true],
    ['"service.name"="api"', { 'service.name': 'api' }, true],
  ])('%s on %j is %s', (input, record, expected) => {
    expect(matches(parseMatcher(input), labels(record))).toBe(expected);
  });
});

describe('matchesAll', () => {
  const alert = labels({ alertname: 'HighCPU', severity: 'critical', team: 'infra' });

  it.each<[string, boolean]>([
    ['', true],
    ['{}', true],
    ['{alertname="HighCPU"}', true],
    ['{alertname="HighCPU", severity=~"critical|warning"}', true],
    ['{alertname="HighCPU", severity="warning"}', false],
    ['{team!="infra"}', false],
    ['{env=""}', true],
  ])('%s', (input, expected) => {
    expect(matchesAll(parseMatchers(input), alert)).toBe(expected);
  });
});
