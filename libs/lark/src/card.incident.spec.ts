import { incidentViewSchema, toLabelPairs, type IncidentView, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { jsonBytes } from './card.fit';
import { cardStrings } from './card.i18n';
import { formatUntil, incidentStateText, type CardActionKind } from './card.incident';
import { cardVisibleTexts, missingKeywords } from './card.inspect';
import type { CardLinks, CardTarget } from './card.model';
import { renderAlertCard, renderAlertCardDetailed } from './card.render';
import type { LarkButton, LarkCardMessage } from './card.types';

const NOW = new Date('2024-05-01T11:05:30Z');
const GROUP_PAGE = 'https://alertlark.example.com/alert-groups/grp_0123456789abcdef01234567';

function alert(instance: string, extra: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    fingerprint: `fp-${instance}`,
    status: 'firing',
    labels: toLabelPairs({ alertname: 'HighCPU', severity: 'critical', instance }),
    annotations: toLabelPairs({ summary: `CPU above 90% on ${instance}`, description: 'Load has been above the threshold for 10 minutes.' }),
    startsAt: '2024-05-01T10:00:00Z',
    ...extra,
  };
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => alert(`web-${i + 1}:9100`));

function incident(extra: Partial<IncidentView> = {}): IncidentView {
  return incidentViewSchema.parse({ id: 'inc_1', openedAt: Date.parse('2024-05-01T10:00:30Z'), state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null, ...extra });
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
    groupId: 'grp_0123456789abcdef01234567',
    incident: incident(),
    createdAt: '2024-05-01T11:05:30Z',
    ...extra,
  };
}

/** A stand-in for lark-sender's signed links: `https://console/act/<action>[-<ms>]`, recording each call. */
function linkMaker() {
  const calls: Array<[CardActionKind, number | undefined]> = [];
  const links: CardLinks = {
    consoleUrl: GROUP_PAGE,
    actionUrl: (action, durationMs) => {
      calls.push([action, durationMs]);
      return `https://alertlark.example.com/act/v1.k0.${action}${durationMs ? `-${durationMs}` : ''}.${'m'.repeat(22)}`;
    },
  };
  return { links, calls };
}

const target: CardTarget = { name: 'ops-bot', keywords: ['alert'] };
const text = (m: { card: unknown }) => cardVisibleTexts(m).join('\n');
/** The buttons of a card, by label: how an end-to-end test finds the Claim button's URL. */
const buttons = (message: LarkCardMessage): Record<string, string> =>
  Object.fromEntries(
    message.card.elements.flatMap((element) => (element.tag === 'action' ? element.actions : [])).map((button: LarkButton) => [button.text.content, 'url' in button ? button.url : JSON.stringify(button.value)]),
  );

describe('action buttons on firing cards', () => {
  it('Claim, Resolve and Silence 1h/4h/24h, each its own signed link, and the console button kept', () => {
    const { links, calls } = linkMaker();
    const card = renderAlertCard(notification(hosts(2)), target, links, { now: NOW });
    expect(card).toMatchSnapshot();
    expect(calls).toEqual([['claim', undefined], ['resolve', undefined], ['silence', 3_600_000], ['silence', 14_400_000], ['silence', 86_400_000]]);
    expect(buttons(card)).toEqual({
      Claim: 'https://alertlark.example.com/act/v1.k0.claim.mmmmmmmmmmmmmmmmmmmmmm',
      Resolve: 'https://alertlark.example.com/act/v1.k0.resolve.mmmmmmmmmmmmmmmmmmmmmm',
      'Silence 1h': 'https://alertlark.example.com/act/v1.k0.silence-3600000.mmmmmmmmmmmmmmmmmmmmmm',
      'Silence 4h': 'https://alertlark.example.com/act/v1.k0.silence-14400000.mmmmmmmmmmmmmmmmmmmmmm',
      'Silence 24h': 'https://alertlark.example.com/act/v1.k0.silence-86400000.mmmmmmmmmmmmmmmmmmmmmm',
      'Open in console': GROUP_PAGE,
    });
    // One action element of five buttons, Claim the primary one, before the alerts.
    const action = card.card.elements.findIndex((element) => element.tag === 'action');
    expect(card.card.elements[action]).toMatchObject({ tag: 'action', actions: [{ text: { content: 'Claim' }, type: 'primary' }, { type: 'default' }, {}, {}, {}] });
    expect(text(card).indexOf('Claim')).toBeLessThan(text(card).indexOf('web-1:9100'));
  });

  it("an app bot's card: callback buttons carrying the action, group and incident, no link made", () => {
    const { links, calls } = linkMaker();
    const card = renderAlertCard(notification(hosts(2)), target, { ...links, callbacks: true }, { now: NOW });
    expect(calls).toEqual([]);
    const group = 'grp_0123456789abcdef01234567';
    expect(buttons(card)).toEqual({
      Claim: JSON.stringify({ action: 'claim', groupId: group, incidentId: 'inc_1' }),
      Resolve: JSON.stringify({ action: 'resolve', groupId: group, incidentId: 'inc_1' }),
      'Silence 1h': JSON.stringify({ action: 'silence', groupId: group, incidentId: 'inc_1', durationMs: 3_600_000 }),
      'Silence 4h': JSON.stringify({ action: 'silence', groupId: group, incidentId: 'inc_1', durationMs: 14_400_000 }),
      'Silence 24h': JSON.stringify({ action: 'silence', groupId: group, incidentId: 'inc_1', durationMs: 86_400_000 }),
      'Open in console': GROUP_PAGE,
    });
  });

  it("an app bot's claimed card offers Unclaim instead of Claim; a link card never does", () => {
    const { links } = linkMaker();
    const claimed = notification(hosts(1), { incident: incident({ state: 'claimed', claimedBy: { name: 'ou_alice', verified: true, openId: 'ou_alice' }, claimedAt: 1 }) });
    expect(Object.keys(buttons(renderAlertCard(claimed, target, { ...links, callbacks: true }, { now: NOW })))).toEqual(['Unclaim', 'Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h', 'Open in console']);
    expect(Object.keys(buttons(renderAlertCard(claimed, target, links, { now: NOW })))).toEqual(['Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h', 'Open in console']);
  });

  it('links are made once per button, however many layouts fitting the card tries', () => {
    const { links, calls } = linkMaker();
    const rendered = renderAlertCardDetailed(notification(hosts(300)), target, links, { now: NOW });
    expect(rendered.omittedAlerts).toBeGreaterThan(0);
    expect(calls).toHaveLength(5);
  });

  it('a claimed incident: no Claim button, and the card says who claimed it', () => {
    const { links } = linkMaker();
    const card = renderAlertCard(notification(hosts(1), { incident: incident({ state: 'claimed', claimedBy: { name: 'Alice', verified: true }, claimedAt: 1 }) }), target, links, { now: NOW });
    expect(Object.keys(buttons(card))).toEqual(['Resolve', 'Silence 1h', 'Silence 4h', 'Silence 24h', 'Open in console']);
    expect(text(card)).toContain('**Claimed by Alice**');
  });

  it.each<[string, Partial<NotificationEvent>, CardLinks | undefined]>([
    ['a resolved incident', { incident: incident({ state: 'resolved', resolvedBy: { name: 'Bob', verified: true }, resolvedAt: 1 }) }, undefined],
    ['a resolved card', { status: 'resolved', alerts: [alert('a', { status: 'resolved', endsAt: '2024-05-01T11:00:00Z' })] }, undefined],
    ['no group id', { groupId: undefined }, undefined],
    ['no incident', { incident: undefined }, undefined],
    ['a follow-up', { followUp: { action: 'claim', actor: { name: 'Alice', verified: true } } }, undefined],
    ['no link maker (the console\'s preview)', {}, { consoleUrl: GROUP_PAGE }],
    ['links that are not http(s)', {}, { consoleUrl: GROUP_PAGE, actionUrl: () => 'javascript:alert(1)' }],
  ])('no action buttons for %s', (_case, extra, given) => {
    const card = renderAlertCard(notification(hosts(1), extra), target, given ?? linkMaker().links, { now: NOW });
    expect(Object.keys(buttons(card))).toEqual(['Open in console']);
  });

  it('Chinese labels on a Chinese card', () => {
    const card = renderAlertCard(notification(hosts(1)), { ...target, card: { language: 'zh' } }, linkMaker().links, { now: NOW });
    expect(Object.keys(buttons(card))).toEqual(['认领', '解决', '静默 1 小时', '静默 4 小时', '静默 24 小时', '在控制台查看']);
  });

  it('count in the 20 KB fit: alerts give way to the buttons', () => {
    const { links } = linkMaker();
    const without = renderAlertCardDetailed(notification(hosts(40)), target, { consoleUrl: GROUP_PAGE }, { now: NOW, maxBytes: 6_000 });
    const withButtons = renderAlertCardDetailed(notification(hosts(40)), target, links, { now: NOW, maxBytes: 6_000 });
    expect(withButtons).toMatchObject({ fits: true, actionButtons: true });
    expect(withButtons.bytes).toBeLessThanOrEqual(6_000);
    expect(withButtons.shownAlerts).toBeLessThan(without.shownAlerts);
    expect(Object.keys(buttons(withButtons.message as LarkCardMessage))).toContain('Claim');
  });

  it('a card without buttons is the last resort, when not even the card without alerts fits with them', () => {
    const { links } = linkMaker();
    const bare = renderAlertCardDetailed(notification(hosts(3)), target, { consoleUrl: GROUP_PAGE }, { now: NOW, maxBytes: 1 });
    const budget = bare.bytes + 200; // room for the card without alerts, not for five buttons
    const rendered = renderAlertCardDetailed(notification(hosts(3)), target, links, { now: NOW, maxBytes: budget });
    expect(rendered).toMatchObject({ fits: true, actionButtons: false, shownAlerts: 0 });
    expect(Object.keys(buttons(rendered.message as LarkCardMessage))).toEqual(['Open in console']);
    expect(jsonBytes(rendered.message)).toBeLessThanOrEqual(budget);
    expect(missingKeywords(rendered.message, ['alert'])).toEqual([]);
  });
});

describe('the incident\'s state on every card of the group', () => {
  const strings = cardStrings('en');
  const nowMs = NOW.getTime();
  const alice = { name: 'Alice', verified: true };
  const bob = { name: 'Bob', verified: false };

  it.each<[string, Partial<IncidentView>, string | undefined]>([
    ['open: nothing to tell', {}, undefined],
    ['claimed', { state: 'claimed', claimedBy: alice }, 'Claimed by Alice'],
    ['resolved by an unverified name, marked', { state: 'resolved', claimedBy: alice, resolvedBy: bob }, 'Resolved by Bob (unverified)'],
    ['silenced, until a time in UTC', { silence: { id: 's1', endsAt: '2024-05-01T14:00:00Z', by: bob } }, 'Silenced until 14:00 UTC by Bob (unverified)'],
    ['silenced into the next day', { silence: { id: 's1', endsAt: '2024-05-02T11:05:00+00:00', by: alice } }, 'Silenced until 2024-05-02 11:05 UTC by Alice'],
    ['a silence that is over is not told', { silence: { id: 's1', endsAt: '2024-05-01T11:00:00Z', by: alice } }, undefined],
    ['claimed and silenced', { state: 'claimed', claimedBy: alice, silence: { id: 's1', endsAt: '2024-05-01T15:00:00Z', by: bob } }, 'Claimed by Alice · Silenced until 15:00 UTC by Bob (unverified)'],
  ])('%s', (_case, extra, line) => {
    expect(incidentStateText(incident(extra), strings, nowMs)).toBe(line);
  });

  it('in Chinese', () => {
    const zh = cardStrings('zh');
    expect(incidentStateText(incident({ state: 'claimed', claimedBy: bob }), zh, nowMs)).toBe('已由 Bob（未验证） 认领');
    expect(incidentStateText(incident({ state: 'resolved', resolvedBy: alice }), zh, nowMs)).toBe('已由 Alice 解决');
    expect(incidentStateText(incident({ silence: { id: 's', endsAt: '2024-05-01T14:00:00Z', by: alice } }), zh, nowMs)).toBe('已由 Alice 静默至 14:00 UTC');
  });

  it('formatUntil: the time alone on the card\'s day, with the date on another', () => {
    expect(formatUntil(Date.parse('2024-05-01T23:59:00Z'), nowMs)).toBe('23:59 UTC');
    expect(formatUntil(Date.parse('2024-05-02T00:00:00Z'), nowMs)).toBe('2024-05-02 00:00 UTC');
  });

  it('on a resolved card too, and a name cannot inject mentions or markdown', () => {
    const evil = { name: '**x** <at id=all></at>\n[y](https://evil.example)', verified: false };
    const card = renderAlertCard(
      notification([alert('a', { status: 'resolved', endsAt: '2024-05-01T11:00:00Z' })], { status: 'resolved', incident: incident({ state: 'resolved', resolvedBy: evil }) }),
      target,
      linkMaker().links,
      { now: NOW },
    );
    const json = JSON.stringify(card);
    expect(json).not.toContain('<at');
    expect(json).not.toContain('](https://evil.example)');
    expect(text(card)).toContain('**Resolved by &#42;&#42;x&#42;&#42; &lt;at id=all&gt;&lt;/at&gt; &#91;y&#93;(https://evil.example) (unverified)**');
  });

  it('a long name is cut', () => {
    const line = incidentStateText(incident({ state: 'claimed', claimedBy: { name: 'A'.repeat(200), verified: true } }), strings, nowMs)!;
    expect(line.length).toBeLessThan(80);
  });
});

describe('an escalation step’s card', () => {
  it('says why it was sent and @-mentions the step’s people beside the chatbot’s own', () => {
    const escalated = notification(hosts(2), { escalation: { when: 'unclaimed', for: '10m', mentions: ['all', 'ou_oncall'] } });
    const card = renderAlertCard(escalated, { ...target, card: { mentions: ['ou_lead', 'ou_oncall'] } }, linkMaker().links, { now: NOW });
    const json = JSON.stringify(card);
    expect(cardVisibleTexts(card).join('\n')).toContain('Escalated: unclaimed for 10m');
    for (const id of ['all', 'ou_lead', 'ou_oncall']) expect(json.split(`<at id=${id}></at>`)).toHaveLength(2);
    const zh = renderAlertCard(escalated, { ...target, card: { language: 'zh' } }, linkMaker().links, { now: NOW });
    expect(cardVisibleTexts(zh).join('\n')).toContain('升级：已 10m 无人认领');
    expect(cardVisibleTexts(renderAlertCard(notification(hosts(1)), target, linkMaker().links, { now: NOW })).join('\n')).not.toContain('Escalated');
  });
});
