import type { LarkCardMessage, LarkText } from './card.types';

/** A lark_md text as a reader sees it: link labels kept, link targets dropped. */
function readable(text: LarkText): string {
  return text.tag === 'lark_md' ? text.content.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') : text.content;
}

/** Every visible text of a card (title, texts, fields, button labels, notes), in card order. */
export function cardVisibleTexts(message: LarkCardMessage): string[] {
  const out = [message.card.header.title.content];
  for (const element of message.card.elements) {
    switch (element.tag) {
      case 'div':
        if (element.text) out.push(readable(element.text));
        for (const field of element.fields ?? []) out.push(readable(field.text));
        break;
      case 'note':
        out.push(...element.elements.map(readable));
        break;
      case 'action':
        out.push(...element.actions.map((button) => button.text.content));
        break;
      case 'hr':
        break;
    }
  }
  return out;
}

/**
 * The keywords of `keywords` that appear in no visible text (case-sensitive substring, as the
 * emulator checks). Lark needs at least one to appear; Alertlark puts all of them on every card.
 */
export function missingKeywords(message: LarkCardMessage, keywords: readonly string[]): string[] {
  const texts = cardVisibleTexts(message);
  return keywords.filter((keyword) => !texts.some((text) => text.includes(keyword)));
}
