import type { NotificationEvent, NotifiedAlert } from '@alertlark/contracts';
import { renderDigestCard, notificationAlertCounts } from './card.digest';
import { jsonBytes } from './card.fit';
import { cardVisibleTexts, missingKeywords } from './card.inspect';

const NOW = Date.parse('2024-05-01T10:30:00Z');
const target = { name: 'oncall', keywords: ['alert'] };
const links = { consoleUrl: 'https://console.example.com/deliveries?digestId=d1' };

function alert(alertname: string, status: 'firing' | 'resolved', severity: string, instance: string): NotifiedAlert {
  return {
    fingerprint: `${alertname}-${instance}`,
    status,
    labels: [
      { name: 'alertname', value: alertname },
      { name: 'severity', value: severity },
      { name: 'instance', value: instance },
    ],
    annotations: [],
    startsAt: '2024-05-01T10:00:00Z',
  };
}

function notification(id: string, alertname: string, alerts: NotifiedAlert[], extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    notificationId: id,
    teamId: 't1',
    objectId: 'o1',
    policyId: 'p1',
    groupKey: `p1:{alertname="${alertname}"}`,
    groupLabels: [{ name: 'alertname', value: alertname }],
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    createdAt: '2024-05-01T10:29:00Z',
    ...extra,
  };
}

const text = (card: ReturnType<typeof renderDigestCard>) => cardVisibleTexts(card.message).join('\n');

describe('renderDigestCard', () => {
  const three = [
    notification('n1', 'DiskFull', [alert('DiskFull', 'firing', 'warning', 'a'), alert('DiskFull', 'firing', 'warning', 'b')]),
    notification('n2', 'HostDown', [alert('HostDown', 'firing', 'critical', 'c')]),
    notification('n3', 'Latency', [alert('Latency', 'resolved', 'info', 'd')]),
  ];

  it('leads with the totals of every merged alert and lists each notification, most severe first', () => {
    const card = renderDigestCard(three, target, links, { now: NOW });
    expect(card.message).toMatchSnapshot();
    expect(card.message.card.header).toEqual({ title: { tag: 'plain_text', content: '[DIGEST] 3 notifications' }, template: 'red' });
    expect(text(card)).toContain('**Firing alerts**\n3');
    expect(text(card)).toContain('**Resolved alerts**\n1');
    const body = text(card);
    expect(body.indexOf('HostDown')).toBeLessThan(body.indexOf('DiskFull'));
    expect(body.indexOf('DiskFull')).toBeLessThan(body.indexOf('Latency'));
    expect(body).toContain('&#91;FIRING:2&#93; DiskFull warning · 2 firing'); // brackets escaped for lark_md
    expect(body).toContain('✅ &#91;RESOLVED&#93; Latency info · 1 resolved');
    expect(card).toMatchObject({ shownNotifications: 3, omittedNotifications: 0, fits: true });
    expect(missingKeywords(card.message, ['alert'])).toEqual([]);
  });

  it('is green when everything merged is resolved, and mentions only when something fires', () => {
    const resolvedOnly = renderDigestCard([three[2]!], { ...target, card: { language: 'en', mentions: ['all'] } }, links, { now: NOW });
    expect(resolvedOnly.message.card.header.template).toBe('green');
    expect(JSON.stringify(resolvedOnly.message)).not.toContain('<at');
    const firing = renderDigestCard(three, { ...target, card: { language: 'en', mentions: ['all', 'not-an-id'] } }, links, { now: NOW });
    expect(JSON.stringify(firing.message)).toContain('<at id=all></at>');
    expect(JSON.stringify(firing.message)).not.toContain('not-an-id');
  });

  it('counts a large group by its totals, not by the alerts it carries', () => {
    const big = notification('n4', 'Flood', [alert('Flood', 'firing', 'warning', 'x')], { totals: { firing: 1200, resolved: 30 } });
    expect(notificationAlertCounts(big)).toEqual({ firing: 1200, resolved: 30 });
    const card = renderDigestCard([big, three[1]!], target, links, { now: NOW });
    expect(text(card)).toContain('**Firing alerts**\n1201');
    expect(text(card)).toContain('**Resolved alerts**\n30');
  });

  it('shows what fits in the body limit and "+N more" with the console link, the totals still whole', () => {
    const many = Array.from({ length: 600 }, (_, i) => notification(`n${i}`, `Alert${i}${'x'.repeat(60)}`, [alert(`Alert${i}`, 'firing', 'critical', `h${i}`)]));
    const card = renderDigestCard(many, target, links, { now: NOW });
    expect(card.fits).toBe(true);
    expect(card.bytes).toBe(jsonBytes(card.message));
    expect(card.bytes).toBeLessThanOrEqual(19_456);
    expect(card.shownNotifications).toBeGreaterThan(50);
    expect(card.shownNotifications + card.omittedNotifications).toBe(600);
    expect(text(card)).toContain(`+${card.omittedNotifications} more notifications`);
    expect(JSON.stringify(card.message)).toContain('https://console.example.com/deliveries?digestId=d1');
    expect(text(card)).toContain('**Firing alerts**\n600');
    expect(missingKeywords(card.message, ['alert'])).toEqual([]);
  });

  it('speaks Chinese when the object does', () => {
    const card = renderDigestCard(three, { name: '运维', keywords: ['告警'], card: { language: 'zh' } }, links, { now: NOW });
    expect(card.message.card.header.title.content).toBe('[汇总] 3 条通知');
    expect(text(card)).toContain('关键词: 告警');
  });

  it('refuses an empty digest', () => {
    expect(() => renderDigestCard([], target, links)).toThrow(RangeError);
  });
});
