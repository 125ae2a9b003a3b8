import { busiestWindow, cardGroupCounts, shownGroupCounts, type ChatMessage } from './shown-counts';

const alertCard = (title: string) => ({ msg_type: 'interactive', card: { header: { title: { tag: 'plain_text', content: title } }, elements: [] } });
const digestCard = (lines: string[]) => ({
  msg_type: 'interactive',
  card: { header: { title: { tag: 'plain_text', content: '[DIGEST] 3 alert groups' } }, elements: [{ tag: 'div', text: { tag: 'lark_md', content: lines.join('\n') } }] },
});
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

describe('cardGroupCounts', () => {
  it('reads the group of an alert card from its title', () => {
    expect(cardGroupCounts(alertCard('[FIRING:20] StormAlert7 critical'))).toEqual(new Map([['StormAlert7', 20]]));
  });

  it('reads every line of a digest, escaped brackets and bold included', () => {
    const card = digestCard(['🔥 &#91;FIRING:3&#93; StormAlert1 critical · 3 firing', '🔥 **&#91;FIRING:12&#93; StormAlert2** · 12 firing', '✅ &#91;RESOLVED&#93; StormAlert3']);
    expect(cardGroupCounts(card)).toEqual(new Map([['StormAlert1', 3], ['StormAlert2', 12]]));
  });

  it('finds nothing in what is not a card', () => {
    expect(cardGroupCounts({ msg_type: 'text', content: { text: '[FIRING:3] X' } }).size).toBe(0);
    expect(cardGroupCounts(null).size).toBe(0);
  });
});

describe('shownGroupCounts', () => {
  const messages: ChatMessage[] = [
    { accepted: true, receivedAt: at(1), body: alertCard('[FIRING:2] A') },
    { accepted: false, receivedAt: at(2), body: alertCard('[FIRING:9] A') },
    { accepted: true, receivedAt: at(3), body: digestCard(['&#91;FIRING:5&#93; A', '&#91;FIRING:1&#93; B']) },
    { accepted: true, receivedAt: at(4), body: alertCard('[FIRING:4] A') },
  ];

  it('keeps, per group, the largest count an accepted card showed and when it first did', () => {
    expect(shownGroupCounts(messages)).toEqual(
      new Map([
        ['A', { firing: 5, at: Date.parse(at(3)) }],
        ['B', { firing: 1, at: Date.parse(at(3)) }],
      ]),
    );
  });

  it('counts only cards received by `until`', () => {
    expect(shownGroupCounts(messages, Date.parse(at(2)))).toEqual(new Map([['A', { firing: 2, at: Date.parse(at(1)) }]]));
  });
});

describe('busiestWindow', () => {
  it('counts the most requests, refused ones too, in any window of the given length', () => {
    const times = [0, 100, 900, 1_000, 1_050, 2_500].map((ms) => ({ accepted: ms !== 100, receivedAt: new Date(ms).toISOString() }));
    expect(busiestWindow(times, 1_000)).toBe(4);
    expect(busiestWindow(times, 60_000)).toBe(6);
    expect(busiestWindow([], 1_000)).toBe(0);
  });
});
