import { incidentViewSchema, toLabelPairs, type Actor, type IncidentView, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { DEFAULT_CARD_BYTE_BUDGET, jsonBytes } from './card.fit';
import { renderFollowUpCard } from './card.follow-up';
import { cardVisibleTexts, missingKeywords } from './card.inspect';

const GROUP_PAGE = 'https://alertlark.example.com/alert-groups/grp_0123456789abcdef01234567';
const alice: Actor = { name: 'Alice', verified: true, openId: 'ou_alice' };
const bob: Actor = { name: 'Bob', verified: false };

const alert = (instance: string, status: 'firing' | 'resolved' = 'firing'): NotifiedAlert => ({
  fingerprint: `fp-${instance}`,
  status,
  labels: toLabelPairs({ alertname: 'HighCPU', severity: 'critical', instance }),
  annotations: toLabelPairs({ summary: `CPU above 90% on ${instance}` }),
  startsAt: '2024-05-01T10:00:00Z',
  ...(status === 'resolved' ? { endsAt: '2024-05-01T10:30:00Z' } : {}),
});

const incident = (extra: Partial<IncidentView> = {}): IncidentView =>
  incidentViewSchema.parse({ id: 'inc_1', openedAt: 1, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null, ...extra });

function followUp(followUp: NotificationEvent['followUp'], incidentView: IncidentView, extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    notificationId: 'f1',
    teamId: 't1',
    objectId: 'o1',
    policyId: 'p1',
    groupKey: '{}:{alertname="HighCPU"}',
    groupLabels: toLabelPairs({ alertname: 'HighCPU' }),
    status: 'firing',
    alerts: [alert('a'), alert('b'), alert('c'), alert('d', 'resolved')],
    totals: { firing: 3, resolved: 1 },
    groupId: 'grp_0123456789abcdef01234567',
    incident: incidentView,
    followUp,
    createdAt: '2024-05-01T11:05:30Z',
    ...extra,
  };
}

const target = { name: 'oncall', keywords: ['alert', 'prod'] };
const links = { consoleUrl: GROUP_PAGE };
const text = (card: ReturnType<typeof renderFollowUpCard>) => cardVisibleTexts(card).join('\n');
const title = (card: ReturnType<typeof renderFollowUpCard>) => card.card.header.title.content;

describe('renderFollowUpCard', () => {
  it('claim: who did it to which group, in the group\'s colour, the state, the group\'s page and the keywords; no alert blocks', () => {
    const card = renderFollowUpCard(followUp({ action: 'claim', actor: alice }, incident({ state: 'claimed', claimedBy: alice })), target, links);
    expect(card).toMatchSnapshot();
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: 'Alice claimed [FIRING:3] HighCPU critical' }, template: 'red' });
    const visible = text(card);
    expect(visible).toContain('**Claimed by Alice**');
    expect(visible).toContain('**By**\nAlice');
    expect(visible).toContain('3 firing, 1 resolved');
    expect(visible).not.toContain('web');
    expect(visible).not.toContain('CPU above 90%');
    expect(card.card.elements.filter((element) => element.tag === 'action')).toEqual([
      { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Open in console' }, type: 'primary', url: GROUP_PAGE }] },
    ]);
    expect(missingKeywords(card, target.keywords)).toEqual([]);
    expect(jsonBytes(card)).toBeLessThan(DEFAULT_CARD_BYTE_BUDGET);
  });

  it.each<[string, NotificationEvent, string, string | undefined]>([
    ['resolve', followUp({ action: 'resolve', actor: bob }, incident({ state: 'resolved', resolvedBy: bob })), 'Bob resolved [FIRING:3] HighCPU critical', 'Resolved by Bob (unverified)'],
    [
      'silence',
      followUp({ action: 'silence', actor: bob }, incident({ silence: { id: 's1', endsAt: '2024-05-01T14:00:00Z', by: bob } })),
      'Bob silenced [FIRING:3] HighCPU critical until 14:00 UTC',
      'Silenced until 14:00 UTC by Bob (unverified)',
    ],
    ['unclaim', followUp({ action: 'unclaim', actor: alice }, incident()), 'Alice unclaimed [FIRING:3] HighCPU critical', undefined],
  ])('%s', (_action, notification, header, state) => {
    const card = renderFollowUpCard(notification, target, links);
    expect(title(card)).toBe(header);
    if (state) expect(text(card)).toContain(`**${state}**`);
    else expect(text(card)).not.toMatch(/Claimed|Resolved by|Silenced/);
    expect(missingKeywords(card, target.keywords)).toEqual([]);
  });

  it('in Chinese', () => {
    const zh = { ...target, card: { language: 'zh' as const } };
    expect(title(renderFollowUpCard(followUp({ action: 'claim', actor: alice }, incident({ state: 'claimed', claimedBy: alice })), zh, links))).toBe('Alice 认领了 [告警中:3] HighCPU critical');
    const unclaimed = renderFollowUpCard(followUp({ action: 'unclaim', actor: bob }, incident()), zh, links);
    expect(title(unclaimed)).toBe('Bob 取消认领了 [告警中:3] HighCPU critical');
    expect(text(unclaimed)).toContain('**操作人**\nBob（未验证）');
    expect(title(renderFollowUpCard(followUp({ action: 'resolve', actor: alice }, incident()), zh, links))).toBe('Alice 解决了 [告警中:3] HighCPU critical');
    const silenced = renderFollowUpCard(followUp({ action: 'silence', actor: alice }, incident({ silence: { id: 's', endsAt: '2024-05-01T14:00:00Z', by: alice } })), zh, links);
    expect(title(silenced)).toBe('Alice 静默了 [告警中:3] HighCPU critical 至 14:00 UTC');
    expect(text(silenced)).toContain('已由 Alice 静默至 14:00 UTC');
    expect(text(silenced)).toContain('在控制台查看');
  });

  it('the group\'s colour follows its severity colours, and is green when all has cleared', () => {
    const claimed = followUp({ action: 'claim', actor: alice }, incident({ state: 'claimed', claimedBy: alice }));
    expect(renderFollowUpCard(claimed, { ...target, card: { language: 'en', severityColors: { critical: 'carmine' } } }, links).card.header.template).toBe('carmine');
    const cleared = { ...claimed, status: 'resolved' as const, alerts: [alert('a', 'resolved')], totals: { firing: 0, resolved: 1 } };
    expect(renderFollowUpCard(cleared, target, links).card.header.template).toBe('green');
  });

  it('mentions nobody, even on a chatbot that @mentions on firing cards', () => {
    const card = renderFollowUpCard(followUp({ action: 'claim', actor: alice }, incident()), { ...target, card: { language: 'en', mentions: ['all'] } }, links);
    expect(JSON.stringify(card)).not.toContain('<at');
  });

  it('a name nobody vouched for reads plainly in the header and is marked in the body, even when nothing else names it', () => {
    const card = renderFollowUpCard(followUp({ action: 'unclaim', actor: bob }, incident()), target, links);
    expect(title(card)).toBe('Bob unclaimed [FIRING:3] HighCPU critical');
    expect(text(card)).toContain('**By**\nBob (unverified)');
  });

  it('a name cannot break the header or the markdown; a long one is cut', () => {
    const card = renderFollowUpCard(followUp({ action: 'claim', actor: { name: `Eve\n<at id=all></at>${'e'.repeat(300)}`, verified: false } }, incident({ state: 'claimed', claimedBy: { name: '**Eve**', verified: false } })), target, links);
    expect(title(card)).not.toContain('\n');
    expect(title(card).length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(card.card.elements)).not.toContain('<at');
    expect(text(card)).toContain('Claimed by &#42;&#42;Eve&#42;&#42; (unverified)');
  });

  it('refuses a notification that is not a follow-up', () => {
    expect(() => renderFollowUpCard({ ...followUp({ action: 'claim', actor: alice }, incident()), followUp: undefined }, target, links)).toThrow(RangeError);
  });
});
