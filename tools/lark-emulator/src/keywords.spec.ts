import { cardTexts, hasKeyword, stripLinkTargets, visibleTexts } from './keywords';

const text = (t: string) => ({ msg_type: 'text', content: { text: t } });
const card = (c: unknown) => ({ msg_type: 'interactive', card: c });

describe('hasKeyword', () => {
  it('passes everything when the bot has no keywords', () => {
    expect(hasKeyword(text('nothing'), undefined)).toBe(true);
    expect(hasKeyword(text('nothing'), [])).toBe(true);
  });

  it('finds a keyword in text content (case-sensitive substring)', () => {
    expect(hasKeyword(text('[FIRING] alert HighCPU'), ['alert'])).toBe(true);
    expect(hasKeyword(text('[FIRING] HighCPU'), ['alert'])).toBe(false);
    expect(hasKeyword(text('ALERT'), ['alert'])).toBe(false);
  });

  it('needs only one of several keywords', () => {
    expect(hasKeyword(text('prod outage'), ['alert', 'outage'])).toBe(true);
  });

  it('finds keywords in post titles and text/a-tag labels, not in hrefs', () => {
    const post = (title: string, els: unknown[]) => ({
      msg_type: 'post',
      content: { post: { en_us: { title, content: [els] } } },
    });
    expect(hasKeyword(post('alert digest', []), ['alert'])).toBe(true);
    expect(hasKeyword(post('t', [{ tag: 'text', text: 'an alert' }]), ['alert'])).toBe(true);
    expect(hasKeyword(post('t', [{ tag: 'a', text: 'alert link', href: 'https://x' }]), ['alert'])).toBe(true);
    expect(hasKeyword(post('t', [{ tag: 'a', text: 'open', href: 'https://x/alert' }]), ['alert'])).toBe(false);
  });

  it('finds keywords in the card header title', () => {
    const c = { header: { title: { tag: 'plain_text', content: 'alert: HighCPU' }, template: 'red' }, elements: [] };
    expect(hasKeyword(card(c), ['alert'])).toBe(true);
  });

  it('finds keywords in div text, fields, markdown, note and button text', () => {
    const lark = (s: string) => ({ tag: 'lark_md', content: s });
    const cases: unknown[] = [
      { tag: 'div', text: lark('alert here') },
      { tag: 'div', fields: [{ is_short: true, text: lark('**alert**') }] },
      { tag: 'markdown', content: 'an alert' },
      { tag: 'note', elements: [{ tag: 'plain_text', content: 'alert note' }] },
      { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'View alert' }, url: 'https://x' }] },
      { tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'markdown', content: 'alert' }] }] },
    ];
    for (const el of cases) expect(hasKeyword(card({ elements: [el] }), ['alert'])).toBe(true);
  });

  it('finds keywords in a v2 card body', () => {
    const c = { schema: '2.0', header: { title: { tag: 'plain_text', content: 'x' } }, body: { elements: [{ tag: 'markdown', content: 'alert' }] } };
    expect(hasKeyword(card(c), ['alert'])).toBe(true);
  });

  it('rejects a keyword that only appears in URLs', () => {
    const c = {
      header: { title: { tag: 'plain_text', content: 'HighCPU' } },
      elements: [
        { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Open' }, url: 'https://x/alert', multi_url: { url: 'https://x/alert', pc_url: 'https://x/alert' } }] },
        { tag: 'button', text: { tag: 'plain_text', content: 'Go' }, behaviors: [{ type: 'open_url', default_url: 'https://x/alert' }] },
        { tag: 'markdown', content: '[details](https://x/alert) and <a href="https://x/alert">more</a>' },
      ],
    };
    expect(hasKeyword(card(c), ['alert'])).toBe(false);
    expect(hasKeyword(text('see https://x'), ['alert'])).toBe(false);
  });

  it('does not count non-text values such as template colours or tags', () => {
    expect(hasKeyword(card({ header: { template: 'red', title: { tag: 'plain_text', content: 'x' } } }), ['red'])).toBe(false);
    expect(hasKeyword(card({ elements: [{ tag: 'markdown', content: 'x' }] }), ['markdown'])).toBe(false);
  });
});

describe('helpers', () => {
  it('strips markdown and html link targets but keeps labels', () => {
    expect(stripLinkTargets('[alert](https://a/b) <a href="https://c">d</a>')).toBe('alert d');
  });

  it('collects nothing from URL keys', () => {
    expect(cardTexts({ url: 'x', content: 'y' })).toEqual(['y']);
    expect(visibleTexts({ msg_type: 'image', content: { image_key: 'alert' } })).toEqual([]);
  });
});
