/**
 * The digest card: when a chatbot's rate budget cannot carry its pending notifications one card
 * each, they go out merged into one card. It leads with the totals of every alert pending (so
 * nothing is silently dropped), then one line per alert group: the group's latest state, told by
 * its newest notification, with the resolves its older ones told, linking to the group's page
 * (`CardLinks.groupUrl`). Lines that do not fit in Lark's body limit are not shown and not
 * settled: the card says how many groups follow in the next one.
 */
import { isDailySummary, severityRank, type DailySummaryEvent, type LarkNotification, type NotificationEvent } from '@alertlark/contracts';
import { DEFAULT_CARD_BYTE_BUDGET, fitCard, type TextLimits } from './card.fit';
import { buildCardModel, type CardLinks, type CardTarget } from './card.model';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { LarkCardElement, LarkCardMessage, LarkDivField, LarkHeaderTemplate } from './card.types';

interface DigestStrings {
  title: (groups: number, summaries: number) => string;
  summary: (date: string, time: string, total: number, resolved: number, unresolved: number) => string;
  firingAlerts: string;
  resolvedAlerts: string;
  alertGroups: string;
  /** Alert groups this card lists, of those pending. */
  shownOf: (shown: number, groups: number) => string;
  why: string;
  line: (firing: number, resolved: number) => string;
  follow: (groups: number) => string;
  console: string;
  keywords: string;
}

const alertGroupsText = (groups: number) => (groups === 1 ? '1 alert group' : `${groups} alert groups`);

const STRINGS: Record<'en' | 'zh', DigestStrings> = {
  en: {
    title: (groups, summaries) => `[DIGEST] ${[groups > 0 ? alertGroupsText(groups) : '', summaries > 0 ? 'daily statistics' : ''].filter(Boolean).join(' · ')}`,
    summary: (date, time, total, resolved, unresolved) => `Daily statistics ${date} ${time}: ${total} alerts, ${resolved} resolved, ${unresolved} unresolved`,
    firingAlerts: 'Firing alerts',
    resolvedAlerts: 'Resolved alerts',
    alertGroups: 'Alert groups',
    shownOf: (shown, groups) => (shown === groups ? String(groups) : `${shown} here, of ${groups}`),
    why: 'Merged into one card to stay within Lark’s rate limit for this chatbot: one line per alert group, with its latest count.',
    line: (firing, resolved) => [firing > 0 ? `${firing} firing` : '', resolved > 0 ? `${resolved} resolved` : ''].filter(Boolean).join(', '),
    follow: (groups) => (groups === 1 ? '1 more alert group follows in the next card' : `${groups} more alert groups follow in the next card`),
    console: 'Open in console',
    keywords: 'Keywords',
  },
  zh: {
    title: (groups, summaries) => `[汇总] ${[groups > 0 ? `${groups} 个告警组` : '', summaries > 0 ? '每日统计' : ''].filter(Boolean).join(' · ')}`,
    summary: (date, time, total, resolved, unresolved) => `每日统计 ${date} ${time}：告警 ${total}，已恢复 ${resolved}，未恢复 ${unresolved}`,
    firingAlerts: '告警中',
    resolvedAlerts: '已恢复',
    alertGroups: '告警组',
    shownOf: (shown, groups) => (shown === groups ? String(groups) : `本卡片 ${shown}，共 ${groups}`),
    why: '为避免超出飞书机器人的频率限制，以下通知合并为一张卡片发送：每个告警组一行，显示其最新数量。',
    line: (firing, resolved) => [firing > 0 ? `${firing} 条告警中` : '', resolved > 0 ? `${resolved} 条已恢复` : ''].filter(Boolean).join('，'),
    follow: (groups) => `其余 ${groups} 个告警组将在下一张卡片中发送`,
    console: '在控制台查看',
    keywords: '关键词',
  },
};

/** A daily summary is listed first: it is one short line, and it is due at the time its chatbot set. */
const SUMMARY_RANK = 5;
/** An alert group whose newest notification tells nothing firing: after every firing one. */
const RESOLVED_RANK = 1;

interface DigestLine {
  template: LarkHeaderTemplate;
  title: string;
  firing: number;
  resolved: number;
  /** A daily summary's line says it all in its title. */
  summary: boolean;
  /** Listed (and fitted) highest first: a daily summary, firing groups by severity, resolved groups. */
  rank: number;
  /** Where its newest notification stands in the queue: the newer ones are listed first. */
  newest: number;
  /** The notifications it speaks for: settled when it is shown. */
  notificationIds: string[];
  /** The page of its group, when its newest notification names the group. */
  url?: string;
}

function summaryLine(notification: DailySummaryEvent, position: number, strings: DigestStrings): DigestLine {
  const { counts } = notification;
  const title = strings.summary(counts.date, notification.time, counts.total, counts.resolved, counts.unresolved);
  return { template: 'wathet', title, firing: 0, resolved: 0, summary: true, rank: SUMMARY_RANK, newest: position, notificationIds: [notification.notificationId] };
}

/**
 * A group's line: the title and firing count of its newest notification (the group's current
 * count), and the resolves every one of them told (each notification tells the alerts resolved
 * since the one before it, so none is counted twice), so a resolve told only by an older
 * notification still shows.
 */
function groupLine(members: readonly NotificationEvent[], newest: number, target: CardTarget, links: CardLinks, now: number): DigestLine {
  const latest = members[members.length - 1]!;
  const model = buildCardModel(latest, target, {}, now);
  const url = latest.groupId && links.groupUrl ? safeLinkUrl(links.groupUrl(latest.groupId)) : undefined;
  const firing = notificationAlertCounts(latest).firing;
  const resolved = members.reduce((sum, member) => sum + notificationAlertCounts(member).resolved, 0);
  return {
    template: model.template,
    title: model.title,
    firing,
    resolved,
    summary: false,
    rank: firing > 0 ? RESOLVED_RANK + severityRank(model.severity) : RESOLVED_RANK,
    newest,
    notificationIds: members.map((member) => member.notificationId),
    ...(url ? { url } : {}),
  };
}

/**
 * One line per alert group and per daily summary, most severe first, then newest first. A
 * follow-up is never a line (it is a card of its own, and the alerts it carries were told already):
 * the sender never puts one in a digest.
 */
function digestLines(notifications: readonly LarkNotification[], target: CardTarget, links: CardLinks, now: number, strings: DigestStrings): DigestLine[] {
  const lines: DigestLine[] = [];
  const groups = new Map<string, { members: NotificationEvent[]; newest: number }>();
  notifications.forEach((notification, position) => {
    if (isDailySummary(notification)) {
      lines.push(summaryLine(notification, position, strings));
      return;
    }
    if (notification.followUp) return;
    const group = groups.get(notification.groupKey) ?? { members: [], newest: position };
    group.members.push(notification);
    group.newest = position;
    groups.set(notification.groupKey, group);
  });
  for (const { members, newest } of groups.values()) lines.push(groupLine(members, newest, target, links, now));
  return lines.sort((a, b) => b.rank - a.rank || b.newest - a.newest);
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
  /** The notifications its shown lines speak for (a group's line for all of the group's): the ones it settles. */
  shownNotificationIds: string[];
  /** Alert groups whose lines did not fit: their notifications wait for the next digest. */
  groupsLeft: number;
  bytes: number;
  /** False only when not even the card without lines fits (it shows none then). */
  fits: boolean;
}

const MENTION_ID = /^(all|ou_[A-Za-z0-9_-]+)$/;

/** `notifications`: one chatbot's, oldest first. */
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
  const lines = digestLines(notifications, target, links, now, strings);
  if (lines.length === 0) throw new RangeError('a digest needs a notification that is not a follow-up');
  const summaries = lines.filter((line) => line.summary).length;
  const groups = lines.length - summaries;
  const firing = lines.reduce((sum, line) => sum + line.firing, 0);
  const resolved = lines.reduce((sum, line) => sum + line.resolved, 0);
  const template = lines.find((line) => !line.summary)?.template ?? lines[0]!.template;
  const mentions = firing > 0 ? (target.card?.mentions ?? []).filter((id) => MENTION_ID.test(id)) : [];
  const keywords = target.keywords.map(oneLine).filter((keyword) => keyword !== '');
  const consoleUrl = safeLinkUrl(links.consoleUrl);
  // Summaries come first, so the lines not shown are always alert groups.
  const groupsShown = (shown: number) => Math.max(0, shown - summaries);

  const layout = (shown: number, limits: TextLimits): LarkCardMessage => {
    const short = (label: string, content: string): LarkDivField => ({ is_short: true, text: { tag: 'lark_md', content: `**${label}**\n${content}` } });
    const elements: LarkCardElement[] = [
      { tag: 'div', fields: [short(strings.firingAlerts, String(firing)), short(strings.resolvedAlerts, String(resolved)), short(strings.alertGroups, strings.shownOf(groupsShown(shown), groups))] },
      { tag: 'div', text: { tag: 'lark_md', content: escapeLarkMd(strings.why) } },
    ];
    if (mentions.length > 0) elements.push({ tag: 'div', text: { tag: 'lark_md', content: mentions.map((id) => `<at id=${id}></at>`).join(' ') } });
    const listed = lines.slice(0, shown).map((line) => {
      if (line.summary) return `📊 ${escapeLarkMd(truncateText(line.title, limits.annotationChars))}`;
      const icon = line.firing > 0 ? '🔥' : '✅';
      const title = escapeLarkMd(truncateText(line.title, limits.labelChars));
      return `${icon} ${line.url ? `[${title}](${line.url})` : title} · ${strings.line(line.firing, line.resolved)}`;
    });
    if (listed.length > 0) elements.push({ tag: 'hr' }, { tag: 'div', text: { tag: 'lark_md', content: listed.join('\n') } });
    if (shown < lines.length) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `**${escapeLarkMd(strings.follow(lines.length - shown))}**` } });
    if (consoleUrl) {
      elements.push({ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: strings.console }, type: 'primary', url: consoleUrl }] });
    }
    const footer = [...(keywords.length > 0 ? [`${strings.keywords}: ${keywords.join(', ')}`] : []), target.name ? `Alertlark · ${truncateText(oneLine(target.name), 100)}` : 'Alertlark'];
    elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: footer.join(' | ') }] });
    return {
      msg_type: 'interactive',
      card: { config: { wide_screen_mode: true }, header: { title: { tag: 'plain_text', content: strings.title(groups, summaries) }, template }, elements },
    };
  };
  const fit = fitCard(lines.length, layout, options.maxBytes ?? DEFAULT_CARD_BYTE_BUDGET);
  return {
    message: fit.value,
    shownNotificationIds: lines.slice(0, fit.shown).flatMap((line) => line.notificationIds),
    groupsLeft: lines.length - fit.shown,
    bytes: fit.bytes,
    fits: fit.fits,
  };
}
