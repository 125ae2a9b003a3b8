import { parseBody, shapeError } from './body';

const raw = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseBody', () => {
  it('accepts each documented message type', () => {
    const ok = [
      { msg_type: 'text', content: { text: 'hi' } },
      { msg_type: 'post', content: { post: { en_us: { title: 't', content: [] } } } },
      { msg_type: 'interactive', card: { elements: [] } },
      { msg_type: 'share_chat', content: { share_chat_id: 'oc_1' } },
      { msg_type: 'image', content: { image_key: 'img_1' } },
    ];
    for (const body of ok) expect(parseBody(raw(body))).toEqual({ ok: true, body });
  });

  it('rejects non-JSON with a null body', () => {
    expect(parseBody(raw('{nope'))).toMatchObject({ ok: false, body: null });
  });

  it('rejects unknown or missing msg_type, non-objects', () => {
    expect(shapeError([])).not.toBeNull();
    expect(shapeError({ content: { text: 'x' } })).not.toBeNull();
    expect(shapeError({ msg_type: 'markdown', content: { text: 'x' } })).not.toBeNull();
  });

  it('rejects an interactive card placed under content instead of top-level card', () => {
    const body = { msg_type: 'interactive', content: { card: { elements: [] } } };
    expect(parseBody(raw(body))).toEqual({ ok: false, body, reason: expect.stringContaining('card') });
  });

  it('rejects text without content.text', () => {
    expect(shapeError({ msg_type: 'text', content: {} })).not.toBeNull();
    expect(shapeError({ msg_type: 'text', text: 'x' })).not.toBeNull();
  });
});
