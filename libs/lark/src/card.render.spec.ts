import { MAX_ALERTS_PER_NOTIFICATION, toLabelPairs, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { jsonBytes, LARK_BODY_LIMIT_BYTES } from './card.fit';
import { cardVisibleTexts, missingKeywords } from './card.inspect';
import { renderAlertCard, renderAlertCardDetailed } from './card.render';
import type { CardTarget } from './card.model';
import { signedBody } from './sign';

const NOW = new Date('2024-05-01T11:05:30Z');
const CONSOLE = 'https://alertlark.example.com/teams/t1/notifications/n1';

function alert(labels: Record<string, string>, extra: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    fingerprint: 'a1b2c3d4e5f60718',
    status: 'firing',
    labels: toLabelPairs({ alertname: 'HighCPU', severity: 'critical', ...labels }),
    annotations: toLabelPairs({
      summary: `CPU above 90% on ${labels['instance'] ?? 'host'}`,
      description: 'Load has been above the threshold for 10 minutes.',
      runbook_url: 'https://runbooks.example.com/HighCPU',
    }),
    startsAt: '2024-05-01T10:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=rate(cpu%5B5m%5D)+%3E+0.9&g0.tab=1',
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

const target: CardTarget = { name: 'ops-bot', keywords: ['alert'] };
const links = { consoleUrl: CONSOLE };
const text = (m: { card: unknown }) => cardVisibleTexts(m).join('\n');

const hosts = (n: number, labels: Record<string, string> = {}) =>
  Array.from({ length: n }, (_, i) => alert({ instance: `web-${i + 1}:9100`, ...labels }));

describe('renderAlertCard', () => {
  it('a default card has no room for every alert a notification may carry, so the router carrying only those loses nothing', () => {
    // The smallest alerts there are: one short label, no annotations, no links, no group labels.
    const tiny = Array.from({ length: MAX_ALERTS_PER_NOTIFICATION }, (_, i) => ({
      fingerprint: i.toString(16).padStart(16, '0'),
      status: 'firing' as const,
      labels: toLabelPairs({ i: String(i) }),
      annotations: [],
      startsAt: '2024-05-01T10:00:00Z',
    }));
    const rendered = renderAlertCardDetailed(notification(tiny, { groupLabels: [], totals: { firing: 5000, resolved: 0 } }), { name: 'b', keywords: [] }, {}, { now: NOW });
    expect(rendered.shownAlerts).toBeGreaterThan(0);
    expect(rendered.shownAlerts).toBeLessThan(MAX_ALERTS_PER_NOTIFICATION);
  });

  it('firing critical: red header, counts, labels, times, annotations and links', () => {
    const card = renderAlertCard(notification(hosts(3)), target, links, { now: NOW });
    expect(card).toMatchSnapshot();
    expect(card.msg_type).toBe('interactive');
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: '[FIRING:3] HighCPU critical' }, template: 'red' });
    const visible = text(card);
    for (const part of ['HighCPU', 'critical', 'Firing', 'CPU above 90% on web-2:9100', 'Keywords: alert', 'Graph', 'Runbook']) {
      expect(visible).toContain(part);
    }
    expect(visible).toContain('**Started** 2024-05-01T10:00:00Z · firing for 1h 5m');
    expect(JSON.stringify(card)).toContain('(https://runbooks.example.com/HighCPU)');
    expect(JSON.stringify(card)).toContain('g0.expr=rate%28cpu%5B5m%5D%29');
    expect(missingKeywords(card, ['alert'])).toEqual([]);
  });

  it('warning: orange header, and unknown severities are orange too', () => {
    const warning = renderAlertCard(notification(hosts(1, { severity: 'warning' })), target, links, { now: NOW });
    expect(warning).toMatchSnapshot();
    expect(warning.card.header.template).toBe('orange');
    expect(warning.card.header.title.content).toBe('[FIRING:1] HighCPU warning');
    const unknown = renderAlertCard(notification(hosts(1, { severity: 'sev9' })), target, links, { now: NOW });
    expect(unknown.card.header.template).toBe('orange');
    const info = renderAlertCard(notification(hosts(1, { severity: 'info' })), target, links, { now: NOW });
    expect(info.card.header.template).toBe('blue');
  });

  it('resolved: green header, start to end duration, no mentions', () => {
    const resolved = hosts(2).map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2024-05-01T10:42:10Z' }));
    const card = renderAlertCard(
      notification(resolved, { status: 'resolved' }),
      { ...target, card: { language: 'en', mentions: ['all'] } },
      links,
      { now: NOW },
    );
    expect(card).toMatchSnapshot();
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: '[RESOLVED] HighCPU critical' }, template: 'green' });
    expect(text(card)).toContain('**Ended** 2024-05-01T10:42:10Z · lasted 42m 10s');
    expect(JSON.stringify(card)).not.toContain('<at');
    expect(text(card)).toContain('Keywords: alert');
  });

  it('zh: fixed strings in Chinese, keywords kept verbatim', () => {
    const card = renderAlertCard(notification(hosts(2)), { name: '运维', keywords: ['告警', 'alert'], card: { language: 'zh' } }, links, {
      now: NOW,
    });
    expect(card).toMatchSnapshot();
    expect(card.card.header.title.content).toBe('[告警中:2] HighCPU critical');
    const visible = text(card);
    for (const part of ['级别', '状态', '告警中', '摘要', '已持续 1小时5分钟', '关键词: 告警, alert', '在控制台查看']) expect(visible).toContain(part);
    expect(missingKeywords(card, ['告警', 'alert'])).toEqual([]);
  });

  it('mentions on firing cards only, and only valid ids', () => {
    const config = { language: 'en' as const, mentions: ['all', 'ou_3f9a', 'ou_x></at><at id=all'] };
    const card = renderAlertCard(notification(hosts(1)), { ...target, card: config }, links, { now: NOW });
    expect(card).toMatchSnapshot();
    expect(JSON.stringify(card)).toContain('<at id=all></at> <at id=ou_3f9a></at>');
    expect(JSON.stringify(card).match(/<at /g)).toHaveLength(2);
  });

  it('neutralises lark_md in labels and annotations', () => {
    const evil = alert(
      { instance: '<at id=all></at>', job: '**bold** [x](https://evil.example)' },
      { annotations: toLabelPairs({ summary: '<at id=all></at> ~~gone~~', runbook_url: 'javascript:alert(1)' }) },
    );
    const card = renderAlertCard(notification([evil]), { ...target, card: { language: 'en', labels: ['instance', 'job'] } }, links, {
      now: NOW,
    });
    const json = JSON.stringify(card);
    expect(json).not.toContain('<at');
    expect(json).not.toContain('](https://evil.example)');
    expect(json).not.toContain('javascript:');
    expect(json).toContain('&lt;at id=all&gt;&lt;/at&gt;');
    expect(json).toContain('&#126;&#126;gone&#126;&#126;');
  });

  it('follows the card config for labels and annotations, in order', () => {
    const a = alert({ instance: 'db-1', job: 'mysql', team: 'dba' }, {
      annotations: toLabelPairs({ summary: 'S', description: 'D', impact: 'checkout is slow' }),
    });
    const config = { language: 'en' as const, labels: ['team', 'job'], annotations: ['impact', 'summary'] };
    const visible = text(renderAlertCard(notification([a]), { ...target, card: config }, links, { now: NOW }));
    expect(visible).toContain('🔥 **team**: dba · **job**: mysql');
    expect(visible).not.toContain('db-1');
    expect(visible.indexOf('**impact:** checkout is slow')).toBeLessThan(visible.indexOf('**Summary:** S'));
    expect(visible).not.toContain('**Description:**');
  });

  it('puts the keywords on every card, even without alert blocks or console link', () => {
    const many = hosts(50);
    const rendered = renderAlertCardDetailed(notification(many), { name: 'x', keywords: ['alert', 'prod'] }, {}, { now: NOW, maxBytes: 1500 });
    expect(missingKeywords(rendered.message, ['alert', 'prod'])).toEqual([]);
    expect(text(rendered.message)).toContain(`+${rendered.omittedAlerts} more`);
    expect(rendered.bytes).toBeLessThanOrEqual(1500);
  });

  it('oversized group: 500 alerts with long annotations fit under 20 KB after signing, with +N more', () => {
    const long = 'x'.repeat(5000);
    const many = Array.from({ length: 500 }, (_, i) =>
      alert({ instance: `node-${i}.cluster.example.com:9100`, pod: `api-${'p'.repeat(80)}-${i}` }, {
        annotations: toLabelPairs({ summary: `Summary ${i} ${long}`, description: `描述 ${long}`, runbook_url: 'https://runbooks.example.com/x' }),
      }),
    );
    const rendered = renderAlertCardDetailed(notification(many), { ...target, card: { language: 'en', labels: ['instance', 'pod'] } }, links, {
      now: NOW,
    });
    expect(rendered.message).toMatchSnapshot();
    const signed = signedBody(rendered.message, 'secret', NOW.getTime());
    expect(jsonBytes(signed)).toBeLessThan(LARK_BODY_LIMIT_BYTES);
    expect(rendered.shownAlerts).toBeGreaterThan(5);
    expect(rendered.omittedAlerts).toBe(500 - rendered.shownAlerts);
    const visible = text(rendered.message);
    expect(visible).toContain(`**+${rendered.omittedAlerts} more** · Open in console`);
    expect(JSON.stringify(rendered.message)).toContain(`(${CONSOLE})`);
    expect(visible).toContain('500 alerts');
    expect(visible).toContain('…');
    expect(missingKeywords(rendered.message, ['alert'])).toEqual([]);
  });

  it('a notification carrying part of a larger group counts the whole group, and "+N more" covers the rest', () => {
    // The router carries at most MAX_ALERTS_PER_NOTIFICATION alerts and says how many the group holds.
    const carried = hosts(3);
    const rendered = renderAlertCardDetailed(notification(carried, { totals: { firing: 1200, resolved: 4 } }), target, links, { now: NOW });
    const visible = text(rendered.message);
    expect(visible).toContain('[FIRING:1200] HighCPU critical');
    expect(visible).toContain('1200 firing, 4 resolved');
    expect(rendered).toMatchObject({ shownAlerts: 3, omittedAlerts: 1201 });
    expect(visible).toContain(`**+${1204 - 3} more** · Open in console`);
  });

  it('mixed groups: firing alerts first, counts of both, varying alertnames shown per alert', () => {
    const a = alert({ instance: 'a', alertname: 'DiskFull', severity: 'warning' });
    const b = alert({ instance: 'b' }, { status: 'resolved', endsAt: '2024-05-01T10:30:00Z' });
    const c = alert({ instance: 'c', alertname: 'HighCPU' });
    const card = renderAlertCard(notification([b, a, c], { groupLabels: toLabelPairs({ cluster: 'prod' }) }), target, links, { now: NOW });
    const visible = text(card);
    expect(card.card.header.title.content).toBe('[FIRING:2] prod critical');
    expect(visible).toContain('2 firing, 1 resolved');
    expect(visible).toContain('critical, warning');
    const order = ['**instance**: c', '**instance**: a', '**instance**: b'].map((s) => visible.indexOf(s));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(visible).toContain('**alertname**: DiskFull');
  });
});

describe('titleTemplate and severityColors', () => {
  it('shapes the header of the default card', () => {
    const card = renderAlertCard(
      notification(hosts(2, { cluster: 'eu-1' })),
      { ...target, card: { language: 'en', titleTemplate: '{{status}} · {{alertname}} on {{labels.cluster}} ({{firingCount}}/{{count}})', severityColors: { Critical: 'carmine' } } },
      links,
      { now: NOW },
    );
    expect(card).toMatchSnapshot();
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: 'Firing · HighCPU on eu-1 (2/2)' }, template: 'carmine' });
  });

  it.each<[string, string, number, Partial<NotificationEvent>, string]>([
    ['a prefix to the default title', '🚨 {{title}}', 1, {}, '🚨 [FIRING:1] HighCPU critical'],
    ['labels the alerts do not share are empty', '{{alertname}} {{labels.instance}}|', 2, {}, 'HighCPU |'],
    ['labels the alerts share', '{{alertname}} {{labels.instance}}|', 1, {}, 'HighCPU web-1:9100|'],
    ['a blank result: the default title', '{{labels.missing}}', 1, {}, '[FIRING:1] HighCPU critical'],
    ['totals of a group larger than the card', '{{firingCount}} firing, {{resolvedCount}} resolved of {{count}}', 1, { totals: { firing: 900, resolved: 12 } }, '900 firing, 12 resolved of 912'],
    ['values on one line', '{{annotations.description}}', 1, {}, 'Load has been above the threshold.'],
    ['severity and group labels', '{{severity}}: {{groupLabels}}', 1, {}, 'critical: alertname=HighCPU'],
    ['unknown placeholders left as written', '{{nope}} {{alertname}}', 1, {}, '{{nope}} HighCPU'],
  ])('titleTemplate: %s', (_name, titleTemplate, count, extra, title) => {
    const alerts = hosts(count).map((a) => ({ ...a, annotations: toLabelPairs({ description: 'Load has been above\nthe threshold.' }) }));
    const card = renderAlertCard(notification(alerts, extra), { ...target, card: { language: 'en', titleTemplate } }, links, { now: NOW });
    expect(card.card.header.title.content).toBe(title);
  });

  it('titleTemplate in Chinese uses the Chinese status', () => {
    const card = renderAlertCard(notification(hosts(1)), { ...target, card: { language: 'zh', titleTemplate: '【{{status}}】{{alertname}}' } }, links, { now: NOW });
    expect(card.card.header.title.content).toBe('【告警中】HighCPU');
  });

  it.each<[string, Record<string, string>, string, 'firing' | 'resolved', string]>([
    ['a configured severity', { critical: 'carmine' }, 'critical', 'firing', 'carmine'],
    ['matched case-insensitively', { P1: 'violet' }, 'p1', 'firing', 'violet'],
    ['defaults for the others: warning', { critical: 'carmine' }, 'warning', 'firing', 'orange'],
    ['defaults for the others: info', { critical: 'carmine' }, 'info', 'firing', 'blue'],
    ['defaults for the others: unknown', {}, 'sev9', 'firing', 'orange'],
    ['resolved is always green', { critical: 'carmine', resolved: 'red' }, 'critical', 'resolved', 'green'],
  ])('severityColors: %s', (_name, severityColors, severity, status, template) => {
    const alerts = hosts(1, { severity }).map((a) => ({ ...a, status, ...(status === 'resolved' ? { endsAt: '2024-05-01T10:30:00Z' } : {}) }));
    const card = renderAlertCard(
      notification(alerts, { status }),
      { ...target, card: { language: 'en', severityColors: severityColors as Record<string, 'red'> } },
      links,
      { now: NOW },
    );
    expect(card.card.header.template).toBe(template);
  });
});
