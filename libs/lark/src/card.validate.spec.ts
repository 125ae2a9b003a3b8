import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CardConfig } from '@alertlark/contracts';
import { missingKeywords } from './card.inspect';
import { renderAlertCardDetailed } from './card.render';
import { sampleNotification } from './card.sample';
import { cardConfigIssues } from './card.validate';

const target = { name: 'ops', keywords: ['alert'] };
const v1 = (elements: unknown[], extra: Record<string, unknown> = {}) => ({ header: { title: { tag: 'plain_text', content: '{{title}}' }, template: '{{color}}' }, elements, ...extra });

describe('cardConfigIssues', () => {
  it.each<[string, Partial<CardConfig>]>([
    ['no template', { language: 'en' }],
    ['a title template', { titleTemplate: '[{{status}}] {{alertname}} {{labels.cluster}} {{annotations.summary}} {{keywords}}' }],
    ['a v1 template as text', { template: JSON.stringify(v1(['{{alerts}}'])) }],
    ['a v2 template', { template: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: '{{mentions}}\n{{alerts}}' }] } }, mentions: ['all'] }],
    ['a template without alerts or keywords', { template: v1([{ tag: 'hr' }]) }],
    [
      'a template with action links and the incident\'s state',
      { template: v1([{ tag: 'markdown', content: '{{incidentState}}' }, { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Claim' }, type: 'primary', url: '{{claimUrl}}' }] }]) },
    ],
  ])('takes %s', (_name, config) => {
    expect(cardConfigIssues(config, target)).toEqual([]);
  });

  it.each<[string, Partial<CardConfig>, string, RegExp]>([
    ['an unknown placeholder in the title', { titleTemplate: '{{alertnme}}' }, 'titleTemplate', /unknown placeholder \{\{alertnme\}\}/],
    ['{{alerts}} in the title', { titleTemplate: '{{alerts}}' }, 'titleTemplate', /cannot stand in a title/],
    ['{{mentions}} in the title', { titleTemplate: '{{ mentions }}' }, 'titleTemplate', /\{\{ mentions \}\} cannot stand in a title/],
    ['bad JSON', { template: '{"elements": [}' }, 'template', /is not valid JSON/],
    ['an unknown placeholder in the template', { template: v1([{ tag: 'markdown', content: '{{labels.x}} {{foo}}' }]) }, 'template.elements.0.content', /unknown placeholder \{\{foo\}\}/],
    ['a card shape that is neither v1 nor v2', { template: { schema: '2.0', elements: [] } }, 'template.elements', /not an attribute of a v2 card/],
    ['a card with nowhere to carry the keywords', { template: { header: { title: { tag: 'plain_text', content: 'x' } } } }, 'template.elements', /keywords go there/],
    ['a template too large for any alert', { template: v1([{ tag: 'markdown', content: '字'.repeat(7000) }]) }, 'template', /too large: a firing card is \d+ bytes without any alert/],
    [
      'a template too large once its action links are signed',
      { template: v1([{ tag: 'markdown', content: 'x'.repeat(17_000) }, ...Array.from({ length: 5 }, () => ({ tag: 'markdown', content: '[a]({{claimUrl}}) [b]({{resolveUrl}})' }))]) },
      'template',
      /too large: a firing card/,
    ],
  ])('refuses %s', (_name, config, path, message) => {
    expect(cardConfigIssues(config, target)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('takes the example of the README', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(cardConfigIssues({ template: example!, mentions: ['all'] }, target)).toEqual([]);
  });

  it('a template that passed renders every sample with the keywords, as a template card', () => {
    const config: Partial<CardConfig> = { language: 'zh', template: v1([{ tag: 'markdown', content: '{{alertname}}' }, '{{alerts}}']) };
    expect(cardConfigIssues(config, { name: 'x', keywords: ['告警', 'prod'] })).toEqual([]);
    for (const status of ['firing', 'resolved'] as const) {
      const rendered = renderAlertCardDetailed(sampleNotification({ language: 'zh', status, nowMs: Date.now() }), { name: 'x', keywords: ['告警', 'prod'], card: config }, {});
      expect(rendered.layout).toBe('template');
      expect(missingKeywords(rendered.message, ['告警', 'prod'])).toEqual([]);
    }
  });
});

describe('sampleNotification', () => {
  const nowMs = Date.UTC(2024, 4, 1, 12);

  it.each<['en' | 'zh', 'firing' | 'resolved' | undefined, 'firing' | 'resolved', number, string]>([
    ['en', undefined, 'firing', 3, 'Sample alert from Alertlark for web-1:9100: no action needed'],
    ['zh', 'firing', 'firing', 3, 'Alertlark 示例告警（web-1:9100），无需处理'],
    ['en', 'resolved', 'resolved', 2, 'Sample alert from Alertlark for web-1:9100: no action needed'],
  ])('built in, %s %s', (language, status, expected, count, summary) => {
    const sample = sampleNotification({ language, ...(status ? { status } : {}), nowMs });
    expect(sample.status).toBe(expected);
    expect(sample.alerts).toHaveLength(count);
    expect(sample.groupLabels).toEqual([{ name: 'alertname', value: 'HighCPUUsage' }]);
    expect(sample.alerts[0]!.annotations).toContainEqual({ name: 'summary', value: summary });
    if (expected === 'resolved') expect(sample.alerts.every((alert) => alert.status === 'resolved' && alert.endsAt)).toBe(true);
  });

  it('given alerts: grouped by a shared alertname, status from the alerts unless given', () => {
    const alert = (alertname: string, status: 'firing' | 'resolved') => ({
      fingerprint: alertname,
      status,
      labels: [{ name: 'alertname', value: alertname }],
      annotations: [],
      startsAt: '2024-05-01T11:00:00Z',
    });
    expect(sampleNotification({ nowMs, alerts: [alert('A', 'resolved'), alert('A', 'resolved')] })).toMatchObject({ status: 'resolved', groupLabels: [{ name: 'alertname', value: 'A' }] });
    expect(sampleNotification({ nowMs, alerts: [alert('A', 'firing'), alert('B', 'resolved')] })).toMatchObject({ status: 'firing', groupLabels: [] });
    expect(sampleNotification({ nowMs, status: 'resolved', alerts: [alert('A', 'firing')] }).status).toBe('resolved');
  });
});
