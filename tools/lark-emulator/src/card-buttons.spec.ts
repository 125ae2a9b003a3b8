import { callbackButtons } from './card-buttons';
import { isSharedCard, parseCard } from './card-content';

const text = (content: string) => ({ tag: 'plain_text', content });

describe('callbackButtons', () => {
  it('finds v2 callback buttons anywhere in the body, skipping link buttons', () => {
    const card = {
      schema: '2.0',
      config: { update_multi: true },
      body: {
        elements: [
          { tag: 'markdown', content: 'hi' },
          { tag: 'button', text: text('Claim'), behaviors: [{ type: 'callback', value: { action: 'claim', id: 7 } }] },
          { tag: 'button', text: text('Open'), behaviors: [{ type: 'open_url', default_url: 'https://x' }] },
          {
            tag: 'column_set',
            columns: [{ tag: 'column', elements: [{ tag: 'button', text: text('Resolve'), behaviors: [{ type: 'open_url', default_url: 'https://x' }, { type: 'callback', value: { action: 'resolve' } }] }] }],
          },
          { tag: 'form', elements: [{ tag: 'button', text: text('Mute 1h'), behaviors: [{ type: 'callback', value: { action: 'mute', hours: 1 } }] }] },
        ],
      },
    };
    expect(callbackButtons(card)).toEqual([
      { text: 'Claim', value: { action: 'claim', id: 7 } },
      { text: 'Resolve', value: { action: 'resolve' } },
      { text: 'Mute 1h', value: { action: 'mute', hours: 1 } },
    ]);
  });

  it('does not treat a v2 button\'s bare value as a callback', () => {
    const card = { schema: '2.0', body: { elements: [{ tag: 'button', text: text('Old'), value: { a: 1 } }] } };
    expect(callbackButtons(card)).toEqual([]);
  });

  it('finds v1 buttons with a value inside action elements only', () => {
    const card = {
      config: { wide_screen_mode: true, update_multi: true },
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: 'x' } },
        {
          tag: 'action',
          actions: [
            { tag: 'button', text: text('Claim'), type: 'primary', value: { action: 'claim' } },
            { tag: 'button', text: text('Runbook'), url: 'https://runbook' },
            { tag: 'button', text: text('Silence'), behaviors: [{ type: 'callback', value: { action: 'silence' } }] },
          ],
        },
        { tag: 'button', text: text('Stray'), value: { action: 'stray' } },
      ],
    };
    expect(callbackButtons(card)).toEqual([
      { text: 'Claim', value: { action: 'claim' } },
      { text: 'Silence', value: { action: 'silence' } },
    ]);
  });

  it('skips values that are not objects and tolerates buttons without text', () => {
    const card = { elements: [{ tag: 'action', actions: [{ tag: 'button', value: 'str' }, { tag: 'button', value: { a: 1 } }] }] };
    expect(callbackButtons(card)).toEqual([{ text: '', value: { a: 1 } }]);
  });
});

describe('card content', () => {
  it('parses only JSON objects', () => {
    expect(parseCard('{"a":1}')).toEqual({ ok: true, card: { a: 1 } });
    expect(parseCard('[]')).toMatchObject({ ok: false });
    expect(parseCard('{')).toMatchObject({ ok: false });
  });

  it('calls a card shared only when config.update_multi is literally true', () => {
    expect(isSharedCard({ config: { update_multi: true } })).toBe(true);
    expect(isSharedCard({ config: { update_multi: 'true' } })).toBe(false);
    expect(isSharedCard({ schema: '2.0' })).toBe(false);
    expect(isSharedCard({ config: null })).toBe(false);
  });
});
