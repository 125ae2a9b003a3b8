/**
 * The daily-statistics card: the day and its timezone, total / resolved / unresolved in large text,
 * alerts by severity, the top alertnames, cards sent and failed, and a link to the console's
 * statistics page. Like every card, it carries the object's keywords in visible text.
 */
import type { DailySummaryEvent } from '@alertlark/contracts';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { CardLinks, CardTarget } from './card.model';
import type { LarkCardElement, LarkCardMessage, LarkDivField } from './card.types';

interface SummaryStrings {
  title: (date: string, time: string) => string;
  late: string;
  total: string;
  resolved: string;
  unresolved: string;
  bySeverity: string;
  topAlertnames: string;
  cards: (sent: number, failed: number) => string;
  quiet: string;
  console: string;
  keywords: string;
}

const STRINGS: Record<'en' | 'zh', SummaryStrings> = {
  en: {
    title: (date, time) => `Daily alert statistics · ${date} ${time}`,
    late: 'Posted late: the statistics service was down at the configured time.',
    total: 'Total alerts',
    resolved: 'Resolved',
    unresolved: 'Unresolved',
    bySeverity: 'By severity',
    topAlertnames: 'Top alerts',
    cards: (sent, failed) => `Cards sent: ${sent} · failed: ${failed}`,
    quiet: 'No alerts today.',
    console: 'Open statistics in console',
    keywords: 'Keywords',
  },
  zh: {
    title: (date, time) => `每日告警统计 · ${date} ${time}`,
    late: '补发：统计服务在设定时间未运行。',
    total: '告警总数',
    resolved: '已恢复',
    unresolved: '未恢复',
    bySeverity: '按级别',
    topAlertnames: '告警排行',
    cards: (sent, failed) => `已发送卡片：${sent} · 失败：${failed}`,
    quiet: '今日无告警。',
    console: '在控制台查看统计',
    keywords: '关键词',
  },
};

/** The three figures are bold on lines of their own, the largest text a custom-bot card can show. */
export function renderDailySummaryCard(summary: DailySummaryEvent, target: CardTarget, links: CardLinks): LarkCardMessage {
  const strings = STRINGS[target.card?.language ?? 'en'];
  const { counts } = summary;
  const big = (label: string, value: number): LarkDivField => ({ is_short: true, text: { tag: 'lark_md', content: `**${label}**\n**${value}**` } });
  const elements: LarkCardElement[] = [
    { tag: 'div', text: { tag: 'lark_md', content: `${escapeLarkMd(counts.date)} · ${escapeLarkMd(counts.timezone)}` } },
    { tag: 'div', fields: [big(strings.total, counts.total), big(strings.resolved, counts.resolved), big(strings.unresolved, counts.unresolved)] },
  ];
  if (summary.late) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `⚠️ ${escapeLarkMd(strings.late)}` } });
  if (counts.total === 0) {
    elements.push({ tag: 'div', text: { tag: 'lark_md', content: escapeLarkMd(strings.quiet) } });
  } else {
    const severities = counts.bySeverity.map((entry) => `${escapeLarkMd(truncateText(oneLine(entry.severity), 60))}: ${entry.count}`).join(' · ');
    const top = counts.topAlertnames.map((entry, index) => `${index + 1}. ${escapeLarkMd(truncateText(oneLine(entry.alertname), 100))}: ${entry.count}`).join('\n');
    elements.push({ tag: 'hr' }, { tag: 'div', text: { tag: 'lark_md', content: `**${strings.bySeverity}**\n${severities}` } });
    if (top) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `**${strings.topAlertnames}**\n${top}` } });
  }
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: strings.cards(counts.cardsSent, counts.cardsFailed) }] });
  const consoleUrl = safeLinkUrl(links.consoleUrl);
  if (consoleUrl) {
    elements.push({ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: strings.console }, type: 'primary', url: consoleUrl }] });
  }
  const keywords = target.keywords.map(oneLine).filter((keyword) => keyword !== '');
  const footer = [...(keywords.length > 0 ? [`${strings.keywords}: ${keywords.join(', ')}`] : []), target.name ? `Alertlark · ${truncateText(oneLine(target.name), 100)}` : 'Alertlark'];
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: footer.join(' | ') }] });
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: strings.title(counts.date, summary.time) }, template: counts.unresolved > 0 ? 'orange' : 'green' },
      elements,
    },
  };
}
