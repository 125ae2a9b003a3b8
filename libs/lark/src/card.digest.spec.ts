import type { DailySummaryEvent, LarkNotification, NotificationEvent, NotifiedAlert } from '@alertlark/contracts';
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

  it('leads with the totals of every pending alert and lists one line per group, most severe first', () => {
    const card = renderDigestCard(three, target, links, { now: NOW });
    expect(card.message).toMatchSnapshot();
    expect(card.message.card.header).toEqual({ title: { tag: 'plain_text', content: '[DIGEST] 3 alert groups' }, template: 'red' });
    expect(text(card)).toContain('**Firing alerts**\n3');
    expect(text(card)).toContain('**Resolved alerts**\n1');
    expect(text(card)).toContain('**Alert groups**\n3');
    const body = text(card);
    expect(body.indexOf('HostDown')).toBeLessThan(body.indexOf('DiskFull'));
    expect(body.indexOf('DiskFull')).toBeLessThan(body.indexOf('Latency'));
    expect(body).toContain('&#91;FIRING:2&#93; DiskFull warning · 2 firing'); // brackets escaped for lark_md
    expect(body).toContain('✅ &#91;RESOLVED&#93; Latency info · 1 resolved');
    expect(body).not.toContain('follow');
    expect(card).toMatchObject({ groupsLeft: 0, fits: true });
    expect(card.shownNotificationIds.sort()).toEqual(['n1', 'n2', 'n3']);
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

  describe('one line per group', () => {
    const flood = (id: string, firing: number, resolved: number) =>
      notification(id, 'Flood', [alert('Flood', firing > 0 ? 'firing' : 'resolved', 'warning', 'x')], { totals: { firing, resolved }, status: firing > 0 ? 'firing' : 'resolved' });

    it('shows the group\'s newest count and the resolves its older notifications told, and speaks for all of them', () => {
      const card = renderDigestCard([flood('f1', 2, 0), three[1]!, flood('f2', 3, 1), flood('f3', 5, 0)], target, links, { now: NOW });
      const body = text(card);
      expect(body).toContain('🔥 &#91;FIRING:5&#93; Flood warning · 5 firing, 1 resolved');
      expect(body).not.toMatch(/FIRING:[23]&#93; Flood/);
      expect(body).toContain('**Firing alerts**\n6');
      expect(body).toContain('**Resolved alerts**\n1');
      expect(card.message.card.header.title.content).toBe('[DIGEST] 2 alert groups');
      expect(card.shownNotificationIds.sort()).toEqual(['f1', 'f2', 'f3', 'n2']);
    });

    it('shows a lower newest count as it is, and a group that resolved as resolved', () => {
      expect(text(renderDigestCard([flood('f1', 9, 0), flood('f2', 4, 5), three[1]!], target, links, { now: NOW }))).toContain('&#91;FIRING:4&#93; Flood warning · 4 firing, 5 resolved');
      const resolved = renderDigestCard([flood('f1', 9, 0), flood('f2', 4, 5), flood('f3', 0, 4), three[1]!], target, links, { now: NOW });
      expect(text(resolved)).toContain('✅ &#91;RESOLVED&#93; Flood warning · 9 resolved');
      expect(text(resolved)).not.toContain('FIRING:4');
    });

    it('keeps a daily summary a line of its own, first, without taking the header colour', () => {
      const summary = { kind: 'daily-summary', notificationId: 'daily/o1/2024-05-01/09:00', teamId: 't1', objectId: 'o1', time: '09:00', counts: { date: '2024-05-01', total: 12, resolved: 10, unresolved: 2 } } as unknown as DailySummaryEvent;
      const card = renderDigestCard([three[0]!, summary, three[1]!], target, links, { now: NOW });
      expect(card.message.card.header).toMatchObject({ title: { content: '[DIGEST] 2 alert groups · daily statistics' }, template: 'red' });
      const lines = text(card).split('\n');
      expect(lines.findIndex((line) => line.startsWith('📊 Daily statistics 2024-05-01 09:00: 12 alerts, 10 resolved, 2 unresolved'))).toBeLessThan(lines.findIndex((line) => line.includes('HostDown')));
      expect(card.shownNotificationIds).toContain(summary.notificationId);
    });
  });

  describe('a digest larger than Lark\'s body limit', () => {
    const severities = ['critical', 'warning', 'info'] as const;
    /** 500 groups, oldest first: group i is `Alert<i>…` with i+1 firing; one in five critical, two warning, two info. */
    const severityOf = (i: number) => severities[[0, 1, 1, 2, 2][i % 5]!]!;
    const storm = Array.from({ length: 500 }, (_, i) =>
      notification(`n${i}`, `Alert${i}${'x'.repeat(30)}`, [alert(`Alert${i}`, 'firing', severityOf(i), `h${i}`)], { totals: { firing: i + 1, resolved: 0 } }),
    );

    it('shows the most severe then newest lines that fit, settles only those, and says how many groups follow', () => {
      const card = renderDigestCard(storm, target, links, { now: NOW });
      expect(card.fits).toBe(true);
      expect(card.bytes).toBe(jsonBytes(card.message));
      expect(card.bytes).toBeLessThanOrEqual(19_456);
      const shown = card.shownNotificationIds;
      expect(shown.length).toBeGreaterThan(100);
      expect(shown.length).toBeLessThan(300);
      // Every critical group first, then warnings; the newest first within each.
      const newestFirst = (severity: string) => storm.filter((_, i) => severityOf(i) === severity).reverse();
      const fitOrder = [...newestFirst('critical'), ...newestFirst('warning'), ...newestFirst('info')];
      expect(shown).toEqual(fitOrder.slice(0, shown.length).map((entry) => entry.notificationId));
      const body = text(card);
      const lines = body.split('\n').filter((line) => line.startsWith('🔥'));
      expect(lines[0]).toBe(`🔥 &#91;FIRING:496&#93; Alert495${'x'.repeat(30)} critical · 496 firing`);
      expect(lines.map((line) => line.replace(/.* (\w+) · .*/, '$1'))).toEqual(fitOrder.slice(0, shown.length).map((entry) => entry.alerts[0]!.labels[1]!.value));
      expect(card.groupsLeft).toBe(500 - shown.length);
      expect(body).toContain(`**${card.groupsLeft} more alert groups follow in the next card**`);
      expect(body).toContain(`**Alert groups**\n${shown.length} here, of 500`);
      expect(body).not.toMatch(/\+\d+ more/);
      // The totals count every group pending.
      expect(body).toContain(`**Firing alerts**\n${(500 * 501) / 2}`);
      expect(JSON.stringify(card.message)).toContain('https://console.example.com/deliveries?digestId=d1');
      expect(missingKeywords(card.message, ['alert'])).toEqual([]);
    });

    it('shows what it left out in the next digest, with what arrived meanwhile', () => {
      const first = renderDigestCard(storm, target, links, { now: NOW });
      const rest = storm.filter((entry) => !first.shownNotificationIds.includes(entry.notificationId));
      // Meanwhile the newest critical group, already shown, grew.
      const grown = notification('n495b', `Alert495${'x'.repeat(30)}`, [alert('Alert495', 'firing', 'critical', 'h495')], { totals: { firing: 900, resolved: 0 } });
      const second = renderDigestCard([...rest, grown], target, links, { now: NOW });
      expect(second.message.card.header.title.content).toBe(`[DIGEST] ${rest.length + 1} alert groups`);
      expect(text(second).split('\n').find((line) => line.startsWith('🔥'))).toContain('&#91;FIRING:900&#93; Alert495');
      const shownTwice = second.shownNotificationIds.filter((id) => first.shownNotificationIds.includes(id));
      expect(shownTwice).toEqual([]);
      expect(second.shownNotificationIds).toEqual(expect.arrayContaining(rest.slice(-20).map((entry) => entry.notificationId)));
    });

    it('holds for random queues: whole groups shown, each at its newest count, in fit order, within the budget', () => {
      let seed = 5;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      for (let run = 0; run < 40; run++) {
        const queue: LarkNotification[] = [];
        const count = 1 + Math.floor(random() * 400);
        for (let i = 0; i < count; i++) {
          const group = Math.floor(random() * 150);
          const firing = Math.floor(random() * 50);
          const resolved = random() < 0.2 ? 1 + Math.floor(random() * 5) : 0;
          const severity = severityOf(group);
          queue.push(
            notification(`q${i}`, `G${group}`, [alert(`G${group}`, firing > 0 ? 'firing' : 'resolved', severity, 'h')], {
              status: firing > 0 ? 'firing' : 'resolved',
              totals: { firing, resolved },
            }),
          );
        }
        const maxBytes = 2_000 + Math.floor(random() * 18_000);
        const card = renderDigestCard(queue, target, links, { now: NOW, maxBytes });
        expect(card.bytes).toBeLessThanOrEqual(maxBytes);
        const byGroup = new Map<string, NotificationEvent[]>();
        for (const entry of queue as NotificationEvent[]) byGroup.set(entry.groupKey, [...(byGroup.get(entry.groupKey) ?? []), entry]);
        const shown = new Set(card.shownNotificationIds);
        const body = text(card);
        /** Fit order: firing groups by severity, then resolved ones; then newest first. */
        const key = (members: NotificationEvent[]) => {
          const latest = members.at(-1)!;
          const severity = latest.alerts[0]!.labels.find((label) => label.name === 'severity')!.value;
          const rank = latest.totals!.firing > 0 ? 4 - severities.indexOf(severity as (typeof severities)[number]) : 1;
          return rank * 1_000 + queue.indexOf(latest);
        };
        let lowestShown = Number.POSITIVE_INFINITY;
        let highestLeft = Number.NEGATIVE_INFINITY;
        for (const members of byGroup.values()) {
          const ids = members.map((member) => member.notificationId);
          const isShown = ids.every((id) => shown.has(id));
          expect(isShown || ids.every((id) => !shown.has(id))).toBe(true);
          const latest = members.at(-1)!;
          const alertname = latest.groupLabels[0]!.value;
          if (isShown) {
            lowestShown = Math.min(lowestShown, key(members));
            const resolved = members.reduce((sum, member) => sum + member.totals!.resolved, 0);
            const tag = latest.totals!.firing > 0 ? `&#91;FIRING:${latest.totals!.firing}&#93;` : '&#91;RESOLVED&#93;';
            expect(body).toContain(`${tag} ${alertname} `);
            if (resolved > 0) expect(body).toMatch(new RegExp(`&#93; ${alertname} \\w+ · [^\\n]*${resolved} resolved`));
          } else {
            highestLeft = Math.max(highestLeft, key(members));
            expect(body).not.toMatch(new RegExp(`&#93; ${alertname} `));
          }
        }
        expect(lowestShown).toBeGreaterThan(highestLeft);
        expect(card.groupsLeft).toBe([...byGroup.values()].filter((members) => !shown.has(members[0]!.notificationId)).length);
      }
    });
  });

  it('speaks Chinese when the object does', () => {
    const card = renderDigestCard(three, { name: '运维', keywords: ['告警'], card: { language: 'zh' } }, links, { now: NOW });
    expect(card.message.card.header.title.content).toBe('[汇总] 3 个告警组');
    expect(text(card)).toContain('关键词: 告警');
    const many = Array.from({ length: 400 }, (_, i) => notification(`n${i}`, `Alert${i}${'x'.repeat(60)}`, [alert(`Alert${i}`, 'firing', 'critical', `h${i}`)]));
    const partial = renderDigestCard(many, { name: '运维', keywords: ['告警'], card: { language: 'zh' } }, links, { now: NOW });
    expect(text(partial)).toContain(`其余 ${partial.groupsLeft} 个告警组将在下一张卡片中发送`);
  });

  it('refuses an empty digest', () => {
    expect(() => renderDigestCard([], target, links)).toThrow(RangeError);
  });

  it('links each group\'s line to the group\'s page, when its newest notification names the group', () => {
    const groupUrl = (groupId: string) => `https://console.example.com/alert-groups/${groupId}`;
    const named = [{ ...three[0]!, groupId: 'grp_disk' }, three[1]!, { ...three[2]!, groupId: 'grp_latency' }];
    const card = renderDigestCard(named, target, { ...links, groupUrl }, { now: NOW });
    const body = text(card);
    expect(JSON.stringify(card.message)).toContain('🔥 [&#91;FIRING:2&#93; DiskFull warning](https://console.example.com/alert-groups/grp_disk) · 2 firing');
    expect(JSON.stringify(card.message)).toContain('✅ [&#91;RESOLVED&#93; Latency info](https://console.example.com/alert-groups/grp_latency) · 1 resolved');
    // No group id (a notification from before issue 13): the line as before.
    expect(body).toContain('🔥 &#91;FIRING:1&#93; HostDown critical · 1 firing');
    // The digest's own button still opens the digest's deliveries.
    expect(JSON.stringify(card.message)).toContain(`"url":"${links.consoleUrl}"`);
  });

  it('never lists a follow-up: it is a card of its own, and its alerts were told already', () => {
    const followUp: NotificationEvent = { ...three[0]!, notificationId: 'f1', totals: { firing: 2, resolved: 9 }, followUp: { action: 'claim', actor: { name: 'Alice', verified: true } } };
    const card = renderDigestCard([...three, followUp], target, links, { now: NOW });
    expect(card.shownNotificationIds.sort()).toEqual(['n1', 'n2', 'n3']);
    expect(text(card)).toContain('**Resolved alerts**\n1');
    expect(() => renderDigestCard([followUp], target, links, { now: NOW })).toThrow(RangeError);
  });
});
