import type { DailySummaryEvent } from '@alertlark/contracts';
import { renderDailySummaryCard } from './card.daily-summary';
import { jsonBytes, DEFAULT_CARD_BYTE_BUDGET } from './card.fit';
import { cardVisibleTexts, missingKeywords } from './card.inspect';

const summary = (extra: Partial<DailySummaryEvent> = {}, counts: Partial<DailySummaryEvent['counts']> = {}): DailySummaryEvent => ({
  kind: 'daily-summary',
  notificationId: 'daily/o1/2026-11-24/09:00',
  teamId: 't1',
  objectId: 'o1',
  time: '09:00',
  late: false,
  createdAt: '2026-11-24T01:00:05Z',
  counts: {
    date: '2026-11-24',
    timezone: 'Asia/Shanghai',
    total: 12,
    resolved: 9,
    unresolved: 3,
    bySeverity: [{ severity: 'critical', count: 2 }, { severity: 'warning', count: 10 }],
    topAlertnames: [{ alertname: 'HighCPU', count: 7 }, { alertname: 'Disk_*Full*', count: 5 }],
    cardsSent: 8,
    cardsFailed: 1,
    ...counts,
  },
  ...extra,
});
const target = { name: 'oncall', keywords: ['alert'] };
const links = { consoleUrl: 'https://console.example.com/stats?objectId=o1' };
const text = (message: ReturnType<typeof renderDailySummaryCard>) => cardVisibleTexts(message).join('\n');

describe('renderDailySummaryCard', () => {
  it('shows the day and zone, the three figures large, severities, top alertnames, cards and the console link', () => {
    const card = renderDailySummaryCard(summary(), target, links);
    expect(card).toMatchSnapshot();
    const visible = text(card);
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: 'Daily alert statistics · 2026-11-24 09:00' }, template: 'orange' });
    expect(visible).toContain('2026-11-24 · Asia/Shanghai');
    expect(visible).toContain('**Total alerts**\n**12**');
    expect(visible).toContain('**Resolved**\n**9**');
    expect(visible).toContain('**Unresolved**\n**3**');
    expect(visible).toContain('critical: 2 · warning: 10');
    expect(visible).toContain('2. Disk_&#42;Full&#42;: 5'); // lark_md escaped
    expect(visible).toContain('Cards sent: 8 · failed: 1');
    expect(JSON.stringify(card)).toContain(links.consoleUrl);
    expect(missingKeywords(card, ['alert'])).toEqual([]);
    expect(jsonBytes(card)).toBeLessThan(DEFAULT_CARD_BYTE_BUDGET);
  });

  it('is green when nothing is unresolved, says a quiet day, and marks a late post', () => {
    const card = renderDailySummaryCard(summary({ late: true }, { total: 0, resolved: 0, unresolved: 0, bySeverity: [], topAlertnames: [] }), target, links);
    expect(card.card.header.template).toBe('green');
    expect(text(card)).toContain('No alerts today.');
    expect(text(card)).toContain('Posted late');
  });

  it('speaks Chinese when the object does', () => {
    const card = renderDailySummaryCard(summary(), { name: '运维', keywords: ['告警'], card: { language: 'zh' } }, links);
    expect(card.card.header.title.content).toBe('每日告警统计 · 2026-11-24 09:00');
    expect(text(card)).toContain('**告警总数**\n**12**');
    expect(missingKeywords(card, ['告警'])).toEqual([]);
  });
});
