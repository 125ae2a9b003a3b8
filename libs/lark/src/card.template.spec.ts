import { incidentViewSchema, toLabelPairs, type IncidentView, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { jsonBytes, LARK_BODY_LIMIT_BYTES } from './card.fit';
import { cardVisibleTexts, missingKeywords } from './card.inspect';
import type { CardTarget } from './card.model';
import { renderAlertCard, renderAlertCardDetailed } from './card.render';
import { parseCardTemplate } from './card.template';
import { signedBody } from './sign';

const NOW = new Date('2024-05-01T11:05:30Z');
const CONSOLE = 'https://alertlark.example.com/alerts?group=g1';

function alert(labels: Record<string, string>, extra: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    fingerprint: 'a1b2c3d4e5f60718',
    status: 'firing',
    labels: toLabelPairs({ alertname: 'HighCPU', severity: 'critical', cluster: 'prod', ...labels }),
    annotations: toLabelPairs({ summary: `CPU above 90% on ${labels['instance'] ?? 'host'}` }),
    startsAt: '2024-05-01T10:00:00Z',
    ...extra,
  };
}

function notification(alerts: NotifiedAlert[], extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    notificationId: 'n1',
    teamId: 't1',
    objectId: 'o1',
    policyId: 'p1',
    groupKey: '{}:{alertname="HighCPU"}',
    groupLabels: toLabelPairs({ alertname: 'HighCPU' }),
    status: 'firing',
    alerts,
    createdAt: '2024-05-01T11:05:30Z',
    ...extra,
  };
}

const hosts = (n: number, labels: Record<string, string> = {}) => Array.from({ length: n }, (_, i) => alert({ instance: `web-${i + 1}:9100`, ...labels }));
const links = { consoleUrl: CONSOLE };
const text = (m: { card: unknown }) => cardVisibleTexts(m).join('\n');

const V1_TEMPLATE = JSON.stringify({
  config: { wide_screen_mode: true },
  header: { title: { tag: 'plain_text', content: '{{title}}' }, template: '{{color}}' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: '**{{alertname}}** in {{labels.cluster}}: {{firingCount}} of {{count}} firing' } },
    '{{alerts}}',
    { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Grafana' }, type: 'default', url: 'https://grafana.example.com/d/x?var-cluster={{labels.cluster}}&var-name={{labels.team}}' }] },
  ],
});

const V2_TEMPLATE = {
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: '{{status}}: {{alertname}}' }, template: '{{color}}' },
  body: {
    elements: [
      { tag: 'markdown', content: '{{mentions}} {{groupLabels}}\n{{alerts}}' },
      { tag: 'button', text: { tag: 'plain_text', content: 'Console' }, behaviors: [{ type: 'open_url', default_url: '{{consoleUrl}}' }] },
    ],
  },
};

describe('parseCardTemplate', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['bad JSON', '{"elements": [', '', /is not valid JSON/],
    ['not an object', '[1, 2]', '', /must be a JSON object/],
    ['a message that is not a card', { msg_type: 'text', content: { text: 'x' } }, 'msg_type', /msg_type":"interactive/],
    ['v2 with another schema', { schema: '3.0', body: { elements: [] } }, 'schema', /must be "2.0"/],
    ['unknown top-level attribute', { elements: [], foo: 1 }, 'foo', /not an attribute of a v1 card/],
    ['v1 without elements', { header: { title: { tag: 'plain_text', content: 'x' } } }, 'elements', /needs an elements list/],
    ['v2 without body.elements', { schema: '2.0', body: {} }, 'body.elements', /needs an elements list/],
    ['element without a tag', { elements: [{ text: 'x' }] }, 'elements.0', /element object with a tag/],
    ['a string element other than {{alerts}}', { elements: ['{{alertname}}'] }, 'elements.0', /element object with a tag/],
    ['v2 note', { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } }, 'body.elements.0', /no note element/],
    ['v2 action', { schema: '2.0', body: { elements: [{ tag: 'action', actions: [] }] } }, 'body.elements.0', /no action element/],
    ['a header title that is not text', { header: { title: 'x' }, elements: [] }, 'header.title', /plain_text/],
    ['a colour Lark lacks', { header: { title: { tag: 'plain_text', content: 'x' }, template: 'pink' }, elements: [] }, 'header.template', /one of blue/],
    ['another placeholder as colour', { header: { title: { tag: 'plain_text', content: 'x' }, template: '{{severity}}' }, elements: [] }, 'header.template', /or \{\{color\}\}/],
    ['unknown placeholder', { elements: [{ tag: 'div', text: { tag: 'lark_md', content: 'x {{alertnmae}}' } }] }, 'elements.0.text.content', /unknown placeholder \{\{alertnmae\}\}; known: \{\{alertname\}\}/],
    ['unknown placeholder in a wrapped message', { msg_type: 'interactive', card: { elements: [{ tag: 'hr', x: '{{nope}}' }] } }, 'card.elements.0.x', /\{\{nope\}\}/],
    ['{{alerts}} twice', { elements: ['{{alerts}}', { tag: 'markdown', content: '{{alerts}}' }] }, '', /only once/],
    ['{{alerts}} in plain text', { elements: [{ tag: 'div', text: { tag: 'plain_text', content: '{{alerts}}' } }] }, 'elements.0.text.content', /renders lark_md/],
    ['{{mentions}} in a title', { header: { title: { tag: 'plain_text', content: '{{mentions}}' } }, elements: [] }, 'header.title.content', /only works inside lark_md/],
    ['a placeholder as attribute name', { elements: [{ tag: 'div', '{{alertname}}': 1 }] }, 'elements.0.{{alertname}}', /only allowed in values/],
    ['a $ attribute', { elements: [{ tag: 'div', $where: 1 }] }, 'elements.0.$where', /not a card attribute name/],
    ['a placeholder as a tag', { elements: [{ tag: 'div', text: { tag: '{{labels.kind}}', content: '{{labels.x}}' } }] }, 'elements.0.text.tag', /not allowed in a tag/],
  ])('refuses %s', (_name, template, path, message) => {
    const parsed = parseCardTemplate(template as string);
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues;
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each<[string, unknown, 'v1' | 'v2', boolean]>([
    ['a v1 card as text', V1_TEMPLATE, 'v1', true],
    ['a v1 card as an object, without alerts', { elements: [{ tag: 'markdown', content: '{{alertname}}' }] }, 'v1', false],
    ['a wrapped message', { msg_type: 'interactive', card: JSON.parse(V1_TEMPLATE) }, 'v1', true],
    ['a v2 card', V2_TEMPLATE, 'v2', true],
  ])('takes %s', (_name, template, version, usesAlerts) => {
    const parsed = parseCardTemplate(template as string);
    expect(parsed).toMatchObject({ ok: true, template: { version, usesAlerts } });
  });
});

describe('custom template cards', () => {
  const target: CardTarget = { name: 'ops-bot', keywords: ['alert', 'prod-ops'], card: { language: 'en', template: V1_TEMPLATE, mentions: ['all'] } };

  it('v1: fills placeholders, lists the alerts, appends mentions and the keywords it lacks', () => {
    const rendered = renderAlertCardDetailed(notification(hosts(2, { team: 'a&b c' })), target, links, { now: NOW });
    expect(rendered.layout).toBe('template');
    expect(rendered.message).toMatchSnapshot();
    const json = JSON.stringify(rendered.message);
    expect(json).toContain('"template":"red"');
    expect(json).toContain('[FIRING:2] HighCPU critical');
    expect(json).toContain('**HighCPU** in prod: 2 of 2 firing');
    expect(json).toContain('var-cluster=prod&var-name=a%26b%20c');
    expect(json).toContain('<at id=all></at>');
    expect(text(rendered.message)).toContain('Keywords: alert, prod-ops');
    expect(missingKeywords(rendered.message, ['alert', 'prod-ops'])).toEqual([]);
    expect(rendered).toMatchObject({ shownAlerts: 2, omittedAlerts: 0, fits: true });
  });

  it('says why an escalation step sent the card, whatever the template', () => {
    const escalated = notification(hosts(1), { escalation: { when: 'unresolved', for: '30m', mentions: ['all'] } });
    for (const template of [V1_TEMPLATE, V2_TEMPLATE]) {
      const json = JSON.stringify(renderAlertCard(escalated, { name: 'ops-bot', keywords: ['alert'], card: { template } }, links, { now: NOW }));
      expect(json).toContain('Escalated: unresolved for 30m');
    }
  });

  it('v2: {{alerts}} and {{mentions}} inside markdown; resolved cards are green and mention nobody', () => {
    const v2Target: CardTarget = { name: 'ops-bot', keywords: ['HighCPU'], card: { language: 'zh', template: V2_TEMPLATE, mentions: ['ou_3f9a'] } };
    const firing = renderAlertCard(notification(hosts(2)), v2Target, links, { now: NOW });
    expect(firing).toMatchSnapshot();
    const json = JSON.stringify(firing);
    expect(json).toContain('告警中: HighCPU');
    expect(json).toContain('<at id=ou_3f9a></at> alertname=HighCPU');
    expect(json).toContain(`"default_url":"${CONSOLE}"`);
    // The keyword is in the title, so no footer.
    expect(json).not.toContain('关键词');
    const resolved = hosts(1).map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2024-05-01T10:30:00Z' }));
    const card = renderAlertCard(notification(resolved, { status: 'resolved' }), v2Target, links, { now: NOW });
    expect(JSON.stringify(card)).toContain('"template":"green"');
    expect(JSON.stringify(card)).not.toContain('<at');
    expect(JSON.stringify(card)).toContain('已恢复: HighCPU');
  });

  it('v2: appends the keywords as a plain-text div when the template lacks them', () => {
    const card = renderAlertCard(notification(hosts(1)), { name: 'b', keywords: ['alert*'], card: { language: 'en', template: V2_TEMPLATE } }, links, { now: NOW });
    const elements = (card.card as unknown as { body: { elements: unknown[] } }).body.elements;
    expect(elements[elements.length - 1]).toEqual({
      tag: 'div',
      text: { tag: 'plain_text', content: 'Keywords: alert* | Alertlark · b', text_size: 'notation', text_color: 'grey' },
    });
    expect(missingKeywords(card, ['alert*'])).toEqual([]);
  });

  it('values cannot break out: JSON stays intact, lark_md is neutralised, link targets encoded', () => {
    const evil = alert({ instance: '"},{"tag":"hr', cluster: '<at id=all></at> **x** [y](https://evil.example)' });
    const card = renderAlertCard(notification([evil]), { ...target, card: { language: 'en', template: V1_TEMPLATE } }, links, { now: NOW });
    const json = JSON.stringify(card);
    expect(JSON.parse(json)).toEqual(card);
    expect((card.card.elements as unknown[]).filter((e) => (e as { tag: string }).tag === 'hr')).toHaveLength(0);
    expect(json).not.toContain('<at');
    expect(json).not.toContain('](https://evil.example)');
    expect(json).toContain('var-cluster=%3Cat%20id%3Dall%3E');
  });

  it('values are neutralised in every text of a lark_md/markdown object: i18n (v1) and i18n_content (v2) as content', () => {
    const evil = alert({ cluster: '<at id=all></at> [x](http://evil.example) **b**' });
    const v1 = {
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: 'c {{labels.cluster}}', i18n: { zh_cn: 'z {{labels.cluster}}', en_us: 'e {{labels.cluster}}' } } },
        { tag: 'note', elements: [{ tag: 'lark_md', content: '', i18n: { ja_jp: 'j {{labels.cluster}} {{annotations.summary}}' } }] },
      ],
    };
    const v2 = {
      schema: '2.0',
      body: { elements: [{ tag: 'markdown', content: '', i18n_content: { zh_cn: 'z {{labels.cluster}}', en_us: 'e {{labels.cluster}}' } }] },
    };
    const withSummary = { ...evil, annotations: toLabelPairs({ summary: 'see [here](https://evil.example/a) <at id=ou_1></at>' }) };
    for (const template of [v1, v2]) {
      expect(parseCardTemplate(template as never)).toMatchObject({ ok: true });
      const card = renderAlertCard(notification([withSummary]), { name: 'b', keywords: [], card: { template: template as never } }, links, { now: NOW });
      const json = JSON.stringify(card);
      expect(json).not.toContain('<at');
      expect(json).not.toContain('](http');
      expect(json).not.toContain('**b**');
      expect(json).toContain('&lt;at id=all&gt;&lt;/at&gt; &#91;x&#93;(http://evil.example) &#42;&#42;b&#42;&#42;');
    }
    // A plain_text title renders no markdown: its value stays as written.
    const titled = { ...v2, header: { title: { tag: 'plain_text', content: 't', i18n_content: { en_us: 'p {{labels.cluster}}' } } } };
    const v2Card = renderAlertCard(notification([evil]), { name: 'b', keywords: [], card: { template: titled as never } }, links, { now: NOW });
    expect((v2Card.card as unknown as { header: { title: { i18n_content: { en_us: string } } } }).header.title.i18n_content.en_us).toBe(
      'p <at id=all></at> [x](http://evil.example) **b**',
    );
  });

  it('a large group fits under 20 KB after signing, with +N more and the keywords', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      alert({ instance: `node-${i}.example.com:9100` }, { annotations: toLabelPairs({ summary: `Summary ${i} ${'x'.repeat(3000)}` }) }),
    );
    const rendered = renderAlertCardDetailed(notification(many), target, links, { now: NOW });
    expect(rendered.layout).toBe('template');
    expect(jsonBytes(signedBody(rendered.message, 'secret', NOW.getTime()))).toBeLessThan(LARK_BODY_LIMIT_BYTES);
    expect(rendered.shownAlerts).toBeGreaterThan(3);
    expect(rendered.omittedAlerts).toBe(400 - rendered.shownAlerts);
    expect(text(rendered.message)).toContain(`**+${rendered.omittedAlerts} more** · Open in console`);
    expect(missingKeywords(rendered.message, ['alert', 'prod-ops'])).toEqual([]);
  });

  it('a template without {{alerts}} lists none and says so in the counts', () => {
    const rendered = renderAlertCardDetailed(
      notification(hosts(3)),
      { name: 'b', keywords: ['alert'], card: { language: 'en', template: { elements: [{ tag: 'markdown', content: '{{count}} alerts' }] } } },
      links,
      { now: NOW },
    );
    expect(rendered).toMatchObject({ layout: 'template', shownAlerts: 0, omittedAlerts: 3 });
    expect(text(rendered.message)).toContain('3 alerts');
  });

  describe('the incident: {{claimUrl}}, {{resolveUrl}}, {{silence1hUrl}}/{{silence4hUrl}}/{{silence24hUrl}} and {{incidentState}}', () => {
    const ACTIONS_TEMPLATE = {
      schema: '2.0',
      header: { title: { tag: 'plain_text', content: '{{title}}' }, template: '{{color}}' },
      body: {
        elements: [
          { tag: 'markdown', content: 'State: {{incidentState}} [claim]({{claimUrl}})' },
          ...(['claimUrl', 'resolveUrl', 'silence1hUrl', 'silence4hUrl', 'silence24hUrl'] as const).map((name) => ({
            tag: 'button',
            text: { tag: 'plain_text', content: name },
            behaviors: [{ type: 'open_url', default_url: `{{${name}}}` }],
          })),
        ],
      },
    };
    const incident = { id: 'inc_1', openedAt: 1, state: 'open' as const, claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null };
    const withIncident = (extra: Partial<IncidentView> = {}) => notification(hosts(1), { groupId: 'grp_1', incident: incidentViewSchema.parse({ ...incident, ...extra }) });
    const actionLinks = { consoleUrl: CONSOLE, actionUrl: (action: string, durationMs?: number) => `https://console.example.com/act/${action}${durationMs ? `.${durationMs / 3_600_000}h` : ''}` };
    const urls = (card: { card: unknown }) =>
      ((card.card as { body: { elements: Array<{ tag: string; behaviors?: Array<{ default_url: string }> }> } }).body.elements)
        .filter((element) => element.tag === 'button')
        .map((element) => element.behaviors![0]!.default_url);
    const own: CardTarget = { name: 'b', keywords: ['alert'], card: { language: 'en', template: ACTIONS_TEMPLATE } };

    it('are the buttons\' links, and the group\'s page where the card has no such button', () => {
      expect(parseCardTemplate(ACTIONS_TEMPLATE)).toMatchObject({ ok: true, template: { usesIncidentState: true } });
      const open = renderAlertCard(withIncident(), own, actionLinks, { now: NOW });
      expect(urls(open)).toEqual(['claim', 'resolve', 'silence.1h', 'silence.4h', 'silence.24h'].map((path) => `https://console.example.com/act/${path}`));
      expect(JSON.stringify(open)).toContain('[claim](https://console.example.com/act/claim)');
      const claimed = renderAlertCard(withIncident({ state: 'claimed', claimedBy: { name: 'Alice', verified: false } }), own, actionLinks, { now: NOW });
      expect(urls(claimed)[0]).toBe(CONSOLE);
      expect(text(claimed)).toContain('State: Claimed by Alice (unverified)');
      // No link maker (the console's preview): every one is the group's page.
      expect(urls(renderAlertCard(withIncident(), own, links, { now: NOW }))).toEqual(Array(5).fill(CONSOLE));
    });

    it('the state line a template lacks is appended, as mentions are; a card without an incident is as before', () => {
      const v1: CardTarget = { ...target, card: { language: 'en', template: V1_TEMPLATE } };
      const resolved = renderAlertCard(withIncident({ state: 'resolved', resolvedBy: { name: 'Bob', verified: true } }), v1, actionLinks, { now: NOW });
      expect(text(resolved)).toContain('**Resolved by Bob**');
      // The template's own buttons only: a template decides its buttons.
      expect(JSON.stringify(resolved)).not.toContain('/act/');
      const before = renderAlertCard(notification(hosts(1)), v1, links, { now: NOW });
      expect(renderAlertCard(withIncident(), v1, actionLinks, { now: NOW })).toEqual(before);
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a broken template', '{"elements": [', /not valid JSON/],
    ['an unknown placeholder', { elements: [{ tag: 'markdown', content: '{{nope}}' }] }, /unknown placeholder/],
    ['a template too large even without alerts', { elements: [{ tag: 'markdown', content: 'x'.repeat(30_000) }] }, /even without alerts/],
  ])('falls back to the default card for %s', (_name, template, problem) => {
    const rendered = renderAlertCardDetailed(notification(hosts(2)), { name: 'b', keywords: ['alert'], card: { language: 'en', template: template as string } }, links, { now: NOW });
    expect(rendered.layout).toBe('default');
    expect(rendered.templateProblem).toMatch(problem);
    expect(rendered.shownAlerts).toBe(2);
    expect(missingKeywords(rendered.message, ['alert'])).toEqual([]);
  });
});
