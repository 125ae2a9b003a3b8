/**
 * What a reader of a card sees, the way Lark's keyword check reads it (and the emulator,
 * tools/lark-emulator/src/keywords.ts): the `content` of text objects (plain_text, lark_md,
 * markdown, text, or untagged), link targets left out. Works on v1 and v2 cards alike.
 */

/** Text objects whose `content` is shown to the reader. */
const TEXT_TAGS = new Set(['plain_text', 'lark_md', 'markdown', 'text']);
/** Keys whose values are link targets, never visible text. */
export const LINK_KEYS: ReadonlySet<string> = new Set(['url', 'default_url', 'href', 'multi_url', 'behaviors', 'android_url', 'ios_url', 'pc_url']);
/** Text that is not on the card itself: image alt text, confirmation dialogs of buttons. */
const HIDDEN_KEYS = new Set(['alt', 'confirm']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Markdown as a reader sees it: link labels kept, link targets dropped. */
function readable(markdown: string): string {
  return markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<a\s[^>]*>/gi, '').replace(/<\/a>/gi, '');
}

function collect(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, out);
    return;
  }
  if (!isObject(node)) return;
  const tag = node['tag'];
  for (const [key, value] of Object.entries(node)) {
    if (LINK_KEYS.has(key) || HIDDEN_KEYS.has(key)) continue;
    if (typeof value === 'string') {
      if (key === 'content' && (typeof tag !== 'string' || TEXT_TAGS.has(tag))) out.push(readable(value));
    } else {
      collect(value, out);
    }
  }
}

/** Every visible text of a card (title, texts, fields, button labels, notes), in card order. */
export function cardVisibleTexts(message: { card: unknown }): string[] {
  const out: string[] = [];
  collect(message.card, out);
  return out;
}

/**
 * The keywords of `keywords` that appear in no visible text (case-sensitive substring, as the
 * emulator checks). Lark needs at least one to appear; Alertlark puts all of them on every card.
 */
export function missingKeywords(message: { card: unknown }, keywords: readonly string[]): string[] {
  const texts = cardVisibleTexts(message);
  return keywords.filter((keyword) => !texts.some((text) => text.includes(keyword)));
}
