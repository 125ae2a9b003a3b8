/** Card payloads of the app APIs: `content` is the card as a JSON string, at most 30 KB. */

/** "卡片及富文本消息请求体最大不能超过 30 KB" (send and update docs), counted here on the card JSON itself. */
export const MAX_CARD_BYTES = 30 * 1024;

export type Card = Record<string, unknown>;

export type ParsedCard = { ok: true; card: Card } | { ok: false; detail: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cardBytes(content: string): number {
  return Buffer.byteLength(content, 'utf8');
}

/** The card of a `content` string; only a JSON object is a card. */
export function parseCard(content: string): ParsedCard {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : 'not JSON' };
  }
  return isObject(value) ? { ok: true, card: value } : { ok: false, detail: 'card JSON must be an object' };
}

/**
 * A "shared card" in Lark's words: `config.update_multi` is literally `true`. Only those can be
 * edited for everyone, and LARK.md asks for the flag on the card as sent and on every update.
 * (Lark's JSON 2.0 cards default it to true; the emulator still wants it written, as LARK.md does.)
 */
export function isSharedCard(card: Card): boolean {
  const config = card['config'];
  return isObject(config) && config['update_multi'] === true;
}
