import { toLabelPairs, type NotifiedAlert } from '@alertlark/contracts';
import { TRUNCATION_LEVELS } from './card.fit';
import { cardStrings } from './card.i18n';
import { factsResolver, fillPlaceholders, parsePlaceholder, placeholdersIn, type PlaceholderFacts, type TextContext } from './card.placeholders';

const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}): NotifiedAlert => ({
  fingerprint: 'f',
  status: 'firing',
  labels: toLabelPairs(labels),
  annotations: toLabelPairs(annotations),
  startsAt: '2024-05-01T10:00:00Z',
});

const facts: PlaceholderFacts = {
  strings: cardStrings('en'),
  status: 'firing',
  alerts: [
    alert({ alertname: 'Disk', cluster: 'prod', instance: 'a', team: '**ops** <at id=all></at>' }, { summary: 'disk [full](https://evil.example)' }),
    alert({ alertname: 'Disk', cluster: 'prod', instance: 'b', team: '**ops** <at id=all></at>' }),
  ],
  totals: { firing: 120, resolved: 30 },
  alertname: 'Disk',
  severity: 'critical',
  groupLabels: toLabelPairs({ alertname: 'Disk', env: 'a"b' }),
  template: 'carmine',
  keywords: ['alert', 'ops*'],
  objectName: 'bot',
  consoleUrl: 'https://console.example.com/alerts?group=a b(c)[d]',
  mentions: ['all', 'ou_1'],
};

describe('parsePlaceholder', () => {
  it.each([
    ['alertname', { kind: 'simple', name: 'alertname' }],
    ['  status ', { kind: 'simple', name: 'status' }],
    ['labels.cluster', { kind: 'label', name: 'cluster' }],
    ['labels.k8s.io/app', { kind: 'label', name: 'k8s.io/app' }],
    ['annotations.summary', { kind: 'annotation', name: 'summary' }],
    ['labels.', undefined],
    ['labels. ', undefined],
    ['Alertname', undefined],
    ['nope', undefined],
    ['', undefined],
  ])('%j', (expression, expected) => {
    expect(parsePlaceholder(expression)).toEqual(expected);
  });

  it('finds every {{...}} of a text, known or not', () => {
    expect(placeholdersIn('{{alertname}} on {{ labels.cluster }} {{nope}} {single} {{')).toEqual([
      { raw: '{{alertname}}', placeholder: { kind: 'simple', name: 'alertname' } },
      { raw: '{{ labels.cluster }}', placeholder: { kind: 'label', name: 'cluster' } },
      { raw: '{{nope}}', placeholder: undefined },
    ]);
  });
});

describe('factsResolver', () => {
  const resolve = factsResolver(facts, TRUNCATION_LEVELS[0]!, { title: '[FIRING] *t*', alertsText: '**blocks**' });
  const fill = (text: string, context: TextContext) => fillPlaceholders(text, context, resolve);

  it.each<[string, TextContext, string]>([
    ['{{alertname}}', 'plain', 'Disk'],
    ['{{status}}', 'plain', 'Firing'],
    ['{{count}} = {{firingCount}} + {{resolvedCount}}', 'plain', '150 = 120 + 30'],
    ['{{severity}}', 'plain', 'critical'],
    ['{{color}}', 'plain', 'carmine'],
    ['{{objectName}}', 'plain', 'bot'],
    ['{{labels.cluster}}', 'plain', 'prod'],
    ['{{labels.instance}}', 'plain', ''],
    ['{{labels.env}}', 'plain', 'a"b'],
    ['{{labels.team}}', 'plain', '**ops** <at id=all></at>'],
    ['{{labels.team}}', 'md', '&#42;&#42;ops&#42;&#42; &lt;at id=all&gt;&lt;/at&gt;'],
    ['{{labels.team}}', 'url', '**ops**%20%3Cat%20id%3Dall%3E%3C%2Fat%3E'],
    ['{{annotations.summary}}', 'md', 'disk &#91;full&#93;(https://evil.example)'],
    ['{{annotations.missing}}', 'plain', ''],
    ['{{groupLabels}}', 'plain', 'alertname=Disk · env=a"b'],
    ['{{keywords}}', 'plain', 'alert, ops*'],
    ['{{keywords}}', 'md', 'alert, ops&#42;'],
    ['{{title}}', 'md', '&#91;FIRING&#93; &#42;t&#42;'],
    ['{{consoleUrl}}', 'url', 'https://console.example.com/alerts?group=a%20b%28c%29[d]'],
    ['[open]({{consoleUrl}})', 'md', '[open](https://console.example.com/alerts?group=a%20b%28c%29%5Bd%5D)'],
    ['{{mentions}}', 'md', '<at id=all></at> <at id=ou_1></at>'],
    ['{{mentions}}', 'plain', ''],
    ['{{alerts}}', 'md', '**blocks**'],
    ['{{alerts}}', 'url', ''],
    ['{{nope}} stays', 'plain', '{{nope}} stays'],
  ])('%s in %s → %j', (template, context, expected) => {
    expect(fill(template, context)).toBe(expected);
  });

  it('the incident: its state escaped where it lands, the buttons\' links or else the console link', () => {
    const withIncident = factsResolver(
      { ...facts, incidentState: 'Claimed by *Al* (unverified)', actions: [{ action: 'resolve', label: 'Resolve', url: 'https://c.example/act/r' }, { action: 'silence', durationMs: 4 * 3_600_000, label: 'Silence 4h', url: 'https://c.example/act/s4' }] },
      TRUNCATION_LEVELS[0]!,
      { title: '' },
    );
    const with_ = (text: string, context: TextContext) => fillPlaceholders(text, context, withIncident);
    expect(with_('{{incidentState}}', 'md')).toBe('Claimed by &#42;Al&#42; (unverified)');
    expect(with_('{{incidentState}}', 'plain')).toBe('Claimed by *Al* (unverified)');
    expect(with_('{{resolveUrl}} {{silence4hUrl}}', 'url')).toBe('https://c.example/act/r https://c.example/act/s4');
    expect(with_('{{claimUrl}}', 'url')).toBe('https://console.example.com/alerts?group=a%20b%28c%29[d]');
    expect(with_('[1h]({{silence1hUrl}})', 'md')).toBe('[1h](https://console.example.com/alerts?group=a%20b%28c%29%5Bd%5D)');
    expect(fill('{{incidentState}}|{{silence24hUrl}}', 'plain')).toBe('|https://console.example.com/alerts?group=a%20b%28c%29[d]');
  });

  it('cuts long values to the text limits', () => {
    const long = factsResolver({ ...facts, alertname: 'x'.repeat(500) }, TRUNCATION_LEVELS[2]!, { title: '' });
    expect(Array.from(fillPlaceholders('{{alertname}}', 'plain', long))).toHaveLength(TRUNCATION_LEVELS[2]!.labelChars);
  });
});
