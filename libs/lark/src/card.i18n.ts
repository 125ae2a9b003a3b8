/** Fixed strings of alert cards. Label names, values and annotations are never translated. */
import type { ActionKind } from '@alertlark/contracts';

export type CardLanguage = 'en' | 'zh';

export interface CardStrings {
  firingTag: string;
  resolvedTag: string;
  firing: string;
  resolved: string;
  severity: string;
  status: string;
  alerts: string;
  group: string;
  counts: (firing: number, resolved: number) => string;
  started: string;
  ended: string;
  lasting: string;
  lasted: string;
  summary: string;
  description: string;
  graph: string;
  runbook: string;
  console: string;
  more: (count: number) => string;
  keywords: string;
  noSeverity: string;
  alertCount: (count: number) => string;
  duration: (units: { d: number; h: number; m: number; s: number }) => string;
  /** Summary annotation of the built-in sample alerts (console preview and test send). */
  sampleSummary: (instance: string) => string;
  sampleDescription: string;
  /** Buttons of action links (card.incident.ts). */
  claim: string;
  /** An app bot's claimed card: give the incident back (escalation starts again). */
  unclaim: string;
  resolve: string;
  silenceFor: (hours: number) => string;
  /** A name typed on an action link's page: nobody vouched for it. */
  unverified: (name: string) => string;
  /** The incident's state line. */
  claimedBy: (name: string) => string;
  resolvedBy: (name: string) => string;
  silencedUntil: (until: string, name: string) => string;
  /** Who did what a follow-up tells. */
  by: string;
  /** An escalation step's line: the incident has stayed unclaimed or unresolved this long. */
  escalated: (when: 'unclaimed' | 'unresolved', heldFor: string) => string;
  /** A follow-up card's title: who did what to which group (its card title), and until when for a silence. */
  followUp: (action: ActionKind, name: string, title: string, until: string | undefined) => string;
}

function twoUnits(parts: Array<[number, string]>, sep: string): string {
  const first = parts.findIndex(([value]) => value > 0);
  if (first < 0) return `0${parts[parts.length - 1]![1]}`;
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(sep);
}

const en: CardStrings = {
  firingTag: 'FIRING',
  resolvedTag: 'RESOLVED',
  firing: 'Firing',
  resolved: 'Resolved',
  severity: 'Severity',
  status: 'Status',
  alerts: 'Alerts',
  group: 'Group',
  counts: (firing, resolved) => `${firing} firing, ${resolved} resolved`,
  started: 'Started',
  ended: 'Ended',
  lasting: 'firing for',
  lasted: 'lasted',
  summary: 'Summary',
  description: 'Description',
  graph: 'Graph',
  runbook: 'Runbook',
  console: 'Open in console',
  more: (count) => `+${count} more`,
  keywords: 'Keywords',
  noSeverity: 'none',
  alertCount: (count) => `${count} alert${count === 1 ? '' : 's'}`,
  duration: ({ d, h, m, s }) => twoUnits([[d, 'd'], [h, 'h'], [m, 'm'], [s, 's']], ' '),
  sampleSummary: (instance) => `Sample alert from Alertlark for ${instance}: no action needed`,
  sampleDescription: 'Sent to show how this chatbot’s cards look; not a real alert.',
  claim: 'Claim',
  unclaim: 'Unclaim',
  resolve: 'Resolve',
  silenceFor: (hours) => `Silence ${hours}h`,
  unverified: (name) => `${name} (unverified)`,
  claimedBy: (name) => `Claimed by ${name}`,
  resolvedBy: (name) => `Resolved by ${name}`,
  silencedUntil: (until, name) => `Silenced until ${until} by ${name}`,
  by: 'By',
  escalated: (when, heldFor) => `Escalated: ${when} for ${heldFor}`,
  followUp: (action, name, title, until) => {
    switch (action) {
      case 'claim':
        return `${name} claimed ${title}`;
      case 'unclaim':
        return `${name} unclaimed ${title}`;
      case 'resolve':
        return `${name} resolved ${title}`;
      case 'silence':
        return until ? `${name} silenced ${title} until ${until}` : `${name} silenced ${title}`;
    }
  },
};

const zh: CardStrings = {
  firingTag: '告警中',
  resolvedTag: '已恢复',
  firing: '告警中',
  resolved: '已恢复',
  severity: '级别',
  status: '状态',
  alerts: '告警数',
  group: '分组',
  counts: (firing, resolved) => `${firing} 条告警中，${resolved} 条已恢复`,
  started: '开始',
  ended: '结束',
  lasting: '已持续',
  lasted: '持续',
  summary: '摘要',
  description: '描述',
  graph: '图表',
  runbook: '处理手册',
  console: '在控制台查看',
  more: (count) => `+${count} 条未显示`,
  keywords: '关键词',
  noSeverity: '无',
  alertCount: (count) => `${count} 条告警`,
  duration: ({ d, h, m, s }) => twoUnits([[d, '天'], [h, '小时'], [m, '分钟'], [s, '秒']], ''),
  sampleSummary: (instance) => `Alertlark 示例告警（${instance}），无需处理`,
  sampleDescription: '用于展示此机器人的卡片样式，并非真实告警。',
  claim: '认领',
  unclaim: '取消认领',
  resolve: '解决',
  silenceFor: (hours) => `静默 ${hours} 小时`,
  unverified: (name) => `${name}（未验证）`,
  claimedBy: (name) => `已由 ${name} 认领`,
  resolvedBy: (name) => `已由 ${name} 解决`,
  silencedUntil: (until, name) => `已由 ${name} 静默至 ${until}`,
  by: '操作人',
  escalated: (when, heldFor) => `升级：已 ${heldFor} ${when === 'unclaimed' ? '无人认领' : '未解决'}`,
  followUp: (action, name, title, until) => {
    switch (action) {
      case 'claim':
        return `${name} 认领了 ${title}`;
      case 'unclaim':
        return `${name} 取消认领了 ${title}`;
      case 'resolve':
        return `${name} 解决了 ${title}`;
      case 'silence':
        return until ? `${name} 静默了 ${title} 至 ${until}` : `${name} 静默了 ${title}`;
    }
  },
};

export function cardStrings(language: CardLanguage | undefined): CardStrings {
  return language === 'zh' ? zh : en;
}
