/**
 * Keyword check of a custom bot: at least one keyword must appear in a VISIBLE text value of the
 * message. Link targets never count: keys `url`, `default_url`, `href`, `multi_url` (and anything
 * under them or under `behaviors`) are skipped, and link targets inside markdown/lark_md content
 * (`[label](target)`, `<a href='target'>`) are cut out before matching. Matching is a
 * case-sensitive substring test (LARK.md does not say; the strict choice catches more mistakes).
 */

/** Card text objects whose `content` is shown to the reader. */
const TEXT_TAGS = new Set(['plain_text', 'lark_md', 'markdown', 'text']);
/** Keys whose values are link targets or callbacks, never visible text. */
const URL_KEYS = new Set(['url', 'default_url', 'href', 'multi_url', 'behaviors', 'android_url', 'ios_url', 'pc_url']);
/** Text that is not on the card itself: image alt text, confirmation dialogs of buttons. */
const HIDDEN_KEYS = new Set(['alt', 'confirm']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes link targets from markdown / lark_md text, keeping the link labels. */
export function stripLinkTargets(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<a\s[^>]*>/gi, '')
    .replace(/<\/a>/gi, '');
}

/** Visible strings of a card (v1 or v2), or of any nested part of it. */
export function cardTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) cardTexts(item, out);
    return out;
  }
  if (!isObject(node)) return out;
  const tag = node['tag'];
  for (const [key, value] of Object.entries(node)) {
    if (URL_KEYS.has(key) || HIDDEN_KEYS.has(key)) continue;
    if (typeof value === 'string') {
      const isText = key === 'content' && (typeof tag !== 'string' || TEXT_TAGS.has(tag));
      if (isText) out.push(stripLinkTargets(value));
    } else {
      cardTexts(value, out);
    }
  }
  return out;
}

/** Visible strings of a rich-text (`post`) message: titles and `text` of every element. */
export function postTexts(post: unknown): string[] {
  const out: string[] = [];
  if (!isObject(post)) return out;
  for (const lang of Object.values(post)) {
    if (!isObject(lang)) continue;
    if (typeof lang['title'] === 'string') out.push(lang['title']);
    const lines = Array.isArray(lang['content']) ? lang['content'] : [];
    for (const line of lines) {
      for (const el of Array.isArray(line) ? line : []) {
        if (isObject(el) && typeof el['text'] === 'string') {
          out.push(el['tag'] === 'md' ? stripLinkTargets(el['text']) : el['text']);
        }
      }
    }
  }
  return out;
}

/** Every visible text value of a webhook message body. */
export function visibleTexts(body: Record<string, unknown>): string[] {
  const content = isObject(body['content']) ? body['content'] : {};
  switch (body['msg_type']) {
    case 'text':
      return typeof content['text'] === 'string' ? [content['text']] : [];
    case 'post':
      return postTexts(content['post']);
    case 'interactive':
      return cardTexts(body['card']);
    default:
      return [];
  }
}

/** True when no keywords are configured or at least one appears in visible text. */
export function hasKeyword(body: Record<string, unknown>, keywords: readonly string[] | undefined): boolean {
  if (!keywords || keywords.length === 0) return true;
  const texts = visibleTexts(body);
  return keywords.some((kw) => texts.some((text) => text.includes(kw)));
}
