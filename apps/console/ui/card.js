// Shows a card the server rendered (lark-sender's renderer, through the preview routes) as Lark
// would, with DOM nodes (text only, never HTML). It decides nothing a card says: no titles,
// colours, labels or templates here, only how Lark draws the JSON it is given.
import { h } from './dom.js';

const COLOURS = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey'];

/** lark_md subset: **bold**, [text](url) shown as its text, <at id=…></at> as @…, line breaks kept by CSS. */
function markdown(content) {
  const node = h('div', { class: 'md' });
  const parts = String(content ?? '').split(/(\*\*[^*]+\*\*|\[[^\]]*\]\([^)]*\)|<at id=[^>]*><\/at>)/);
  for (const part of parts) {
    const mention = /^<at id=([^>]*)><\/at>$/.exec(part);
    // Lark shows a mention as the person's name; the preview has only the open_id (or "all").
    if (mention) node.append(h('span', { class: 'mention' }, `@${mention[1].replace(/^["']|["']$/g, '')}`));
    else if (/^\*\*[^*]+\*\*$/.test(part)) node.append(h('strong', {}, part.slice(2, -2)));
    else if (/^\[[^\]]*\]\([^)]*\)$/.test(part)) node.append(h('u', {}, part.slice(1, part.indexOf(']'))));
    else if (part) node.append(document.createTextNode(part));
  }
  return node;
}

const textOf = (text) => (text && typeof text === 'object' ? text.content : text) ?? '';

function element(item) {
  if (!item || typeof item !== 'object') return null;
  switch (item.tag) {
    case 'hr':
      return h('hr');
    case 'markdown':
    case 'lark_md':
      return markdown(item.content);
    case 'plain_text':
      return h('div', { class: 'md' }, item.content ?? '');
    case 'div': {
      const node = h('div', {}, item.text ? (item.text.tag === 'lark_md' ? markdown(item.text.content) : h('div', { class: 'md' }, textOf(item.text))) : null);
      for (const field of item.fields ?? []) node.append(element(field.text) ?? '');
      return node;
    }
    case 'note':
      return h('div', { class: 'note' }, (item.elements ?? []).map((part) => textOf(part)).join(' '));
    case 'action':
      return h('div', {}, (item.actions ?? []).map((action) => h('span', { class: 'btn' }, textOf(action.text))));
    case 'button':
      return h('span', { class: 'btn' }, textOf(item.text));
    case 'column_set':
      return h('div', {}, (item.columns ?? []).flatMap((column) => (column.elements ?? []).map(element)));
    default:
      return item.text ? element({ tag: 'div', text: item.text }) : null;
  }
}

/** `body` is the preview's `card`: the message body (`{msg_type, card}`) or the card itself. */
export function renderCard(body) {
  const card = body && body.card && typeof body.card === 'object' ? body.card : body;
  const header = (card && card.header) || {};
  const colour = COLOURS.includes(header.template) ? header.template : 'blue';
  const elements = (card && (card.elements ?? (card.body && card.body.elements))) || [];
  return h(
    'div',
    { class: 'lark-card', 'data-testid': 'card-preview' },
    h('div', { class: `head ${colour}`, 'data-template': colour }, textOf(header.title)),
    h('div', { class: 'body' }, elements.map(element)),
  );
}
