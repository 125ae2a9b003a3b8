/**
 * The digest card: when a chatbot's rate budget cannot carry its pending notifications one card
 * each, they go out merged into one card. It leads with the totals of every alert merged (so
 * nothing is silently dropped), lists one line per notification, most severe first, shows what
 * fits in Lark's body limit and "+N more" with a link to the rest in the console.
 */
import { isDailySummary, type LarkNotification } from '@alertlark/contracts';
import { DEFAULT_CARD_BYTE_BUDGET, fitCard, type TextLimits } from './card.fit';
import { buildCardModel, type CardLinks, type CardTarget } from './card.model';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { LarkCardElement, LarkCardMessage, LarkDivField, LarkHeaderTemplate } from './card.types';

interface DigestStrings {
  title: (notifications: number) => string;
  summary: (date: string, time: string, total: number, resolved: number, unresolved: number) => string;
  firingAlerts: string;
  resolvedAlerts: string;
  notifications: string;
  why: string;
  line: (firing: number, resolved: number) => string;
  more: (count: number) => string;
  console: string;
  keywords: string;
}

const STRINGS: Record<'en' | 'zh', DigestStrings> = {
  en: {
    title: (n) => `[DIGEST] ${n} notifications`,
    summary: (date, time, total, resolved, unresolved) => `Daily statistics ${date} ${time}: ${total} alerts, ${resolved} resolved, ${unresolved} unresolved`,
    firingAlerts: 'Firing alerts',
    resolvedAlerts: 'Resolved alerts',
    notifications: 'Notifications',
    why: 'Merged into one card to stay within Lark’s rate limit for this chatbot.',
    line: (firing, resolved) => [firing > 0 ? `${firing} firing` : '', resolved > 0 ? `${resolved} resolved` : ''].filter(Boolean).join(', '),
    more: (count) => `+${count} more notifications`,
    console: 'Open in console',
    keywords: 'Keywords',
  },
  zh: {
    title: (n) => `[汇总] ${n} 条通知`,
    summary: (date, time, total, resolved, unresolved) => `每日统计 ${date} ${time}：告警 ${total}，已恢复 ${resolved}，未恢复 ${unresolved}`,
    firingAlerts: '告警中',
    resolvedAlerts: '已恢复',
    notifications: '通知数',
    why: '为避免超出飞书机器人的频率限制，以下通知合并为一张卡片发送。',
    line: (firing, resolved) => [firing > 0 ? `${firing} 条告警中` : '', resolved > 0 ? `${resolved} 条已恢复` : ''].filter(Boolean).join('，'),
    more: (count) => `还有 ${count} 条通知`,
    console: '在控制台查看',
    keywords: '关键词',
  },
};

const TEMPLATE_RANK: Partial<Record<LarkHeaderTemplate, number>> = { red: 4, orange: 3, blue: 2, green: 1 };

interface DigestLine {
  template: LarkHeaderTemplate;
  title: string;
  firing: number;
  resolved: number;
  /** A daily summary's line says it all in its title. */
  summary?: boolean;
}

function summaryLine(notification: Extract<LarkNotification, { kind: 'daily-summary' }>, strings: DigestStrings): DigestLine {
  const { counts } = notification;
  return { template: 'wathet', title: strings.summary(counts.date, notification.time, counts.total, counts.resolved, counts.unresolved), firing: 0, resolved: 0, summary: true };
}

/** Alerts a notification speaks for: its totals when the group was larger than the alerts it carries. */
export function notificationAlertCounts(notification: LarkNotification): { firing: number; resolved: number } {
  if (isDailySummary(notification)) return { firing: 0, resolved: 0 };
  if (notification.totals) return notification.totals;
  const firing = notification.alerts.filter((alert) => alert.status === 'firing').length;
  return { firing, resolved: notification.alerts.length - firing };
}

export interface DigestCard {
  message: LarkCardMessage;
  shownNotifications: number;
  omittedNotifications: number;
  bytes: number;
  fits: boolean;
}

const MENTION_ID = /^(all|ou_[A-Za-z0-9_-]+)$/;

export function renderDigestCard(
  notifications: readonly LarkNotification[],
  target: CardTarget,
  links: CardLinks,
  options: { now?: number; maxBytes?: number } = {},
): DigestCard {
  if (notifications.length === 0) throw new RangeError('a digest needs at least one notification');
  const now = options.now ?? Date.now();
  const language = target.card?.language ?? 'en';
  const strings = STRINGS[language];
  const lines: DigestLine[] = notifications
    .map((notification) => {
      if (isDailySummary(notification)) return summaryLine(notification, strings);
      const model = buildCardModel(notification, target, {}, now);
      return { template: model.template, title: model.title, ...notificationAlertCounts(notification) };
    })
    .sort((a, b) => (TEMPLATE_RANK[b.template] ?? 0) - (TEMPLATE_RANK[a.template] ?? 0));
  const firing = lines.reduce((sum, line) => sum + line.firing, 0);
  const resolved = lines.reduce((sum, line) => sum + line.resolved, 0);
  const template = lines[0]!.template;
  const mentions = firing > 0 ? (target.card?.mentions ?? []).filter((id) => MENTION_ID.test(id)) : [];
  const keywords = target.keywords.map(oneLine).filter((keyword) => keyword !== '');
  const consoleUrl = safeLinkUrl(links.consoleUrl);

  const layout = (shown: number, limits: TextLimits): LarkCardMessage => {
    const short = (label: string, content: string): LarkDivField => ({ is_short: true, text: { tag: 'lark_md', content: `**${label}**\n${content}` } });
    const elements: LarkCardElement[] = [
      { tag: 'div', fields: [short(strings.firingAlerts, String(firing)), short(strings.resolvedAlerts, String(resolved)), short(strings.notifications, String(lines.length))] },
      { tag: 'div', text: { tag: 'lark_md', content: escapeLarkMd(strings.why) } },
    ];
    if (mentions.length > 0) elements.push({ tag: 'div', text: { tag: 'lark_md', content: mentions.map((id) => `<at id=${id}></at>`).join(' ') } });
    const listed = lines.slice(0, shown).map((line) => {
      if (line.summary) return `📊 ${escapeLarkMd(truncateText(line.title, limits.annotationChars))}`;
      const icon = line.firing > 0 ? '🔥' : '✅';
      return `${icon} ${escapeLarkMd(truncateText(line.title, limits.labelChars))} · ${strings.line(line.firing, line.resolved)}`;
    });
    if (listed.length > 0) elements.push({ tag: 'hr' }, { tag: 'div', text: { tag: 'lark_md', content: listed.join('\n') } });
    const omitted = lines.length - shown;
    if (omitted > 0) {
      const link = consoleUrl ? ` · [${escapeLarkMd(strings.console)}](${consoleUrl})` : '';
      elements.push({ tag: 'div', text: { tag: 'lark_md', content: `**${strings.more(omitted)}**${link}` } });
    }
    if (consoleUrl) {
      elements.push({ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: strings.console }, type: 'primary', url: consoleUrl }] });
    }
    const footer = [...(keywords.length > 0 ? [`${strings.keywords}: ${keywords.join(', ')}`] : []), target.name ? `Alertlark · ${truncateText(oneLine(target.name), 100)}` : 'Alertlark'];
    elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: footer.join(' | ') }] });
    return {
      msg_type: 'interactive',
      card: { config: { wide_screen_mode: true }, header: { title: { tag: 'plain_text', content: strings.title(lines.length) }, template }, elements },
    };
  };
  const fit = fitCard(lines.length, layout, options.maxBytes ?? DEFAULT_CARD_BYTE_BUDGET);
  return { message: fit.value, shownNotifications: fit.shown, omittedNotifications: lines.length - fit.shown, bytes: fit.bytes, fits: fit.fits };
}
