/**
 * Text helpers for cards: lark_md neutralisation, truncation, safe link targets, times.
 * Everything here is pure.
 */

/**
 * Makes untrusted text (label values, annotations) inert inside lark_md: `<` and `>` become
 * entities, so `<at id=all></at>`, `<font>` and `<a href>` cannot be injected; the markdown
 * markers `* ~ [ ] \` `` ` `` become numeric entities so values cannot bold, strike or forge
 * links; an `&` that would start an entity is escaped too. Underscores are left alone (lark_md has
 * no `_` emphasis and they are everywhere in label values).
 */
export function escapeLarkMd(value: string): string {
  return value
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*~[\]`\\]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Single-line form of a value: line breaks and tabs become spaces. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
}

/** Cuts to at most `maxChars` code points, marking the cut with an ellipsis. */
export function truncateText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const points = Array.from(value);
  if (points.length <= maxChars) return value;
  return `${points.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}

/**
 * A link target that is safe inside `[label](target)` and a button's `url`: only absolute
 * http(s) URLs without credentials, percent-encoded so `(`, `)` and spaces cannot end the link.
 * Returns undefined when the value is not such a URL or is longer than `maxChars`.
 */
export function safeLinkUrl(raw: string | undefined, maxChars = 2048): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  const href = url.href.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
  return href.length <= maxChars ? href : undefined;
}

/** A markdown link with an escaped label, or nothing when the target is not a safe URL. */
export function mdLink(label: string, raw: string | undefined, maxUrlChars?: number): string | undefined {
  const url = safeLinkUrl(raw, maxUrlChars);
  return url ? `[${escapeLarkMd(label)}](${url})` : undefined;
}

/** An instant in ISO 8601 UTC to the second (`2024-05-01T10:00:00Z`), or undefined if invalid. */
export function parseInstant(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Splits a duration into whole days, hours, minutes and seconds (negative counts as zero). */
export function durationParts(ms: number): { d: number; h: number; m: number; s: number } {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    d: Math.floor(total / 86_400),
    h: Math.floor((total % 86_400) / 3_600),
    m: Math.floor((total % 3_600) / 60),
    s: total % 60,
  };
}
