/**
 * The callback buttons a person can click on a card, in the two schemas LARK.md describes:
 * - v2 (`"schema": "2.0"`): `{"tag":"button","text":{...},"behaviors":[{"type":"callback","value":{...}}]}`,
 *   anywhere in the body (columns, forms and panels included);
 * - v1: a button with a `value` object inside an `action` element's `actions` (v1 buttons with
 *   only `url`/`multi_url` open links and call nothing). A v1 button may also carry `behaviors`.
 * Buttons whose value is not an object are skipped: Lark's callback `action.value` is an object here.
 */
import type { Card } from './card-content';

export interface CallbackButton {
  /** The button's visible text (`text.content`), '' when it has none. */
  text: string;
  value: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(button: Record<string, unknown>): string {
  const text = button['text'];
  return isObject(text) && typeof text['content'] === 'string' ? text['content'] : '';
}

function callbackValue(button: Record<string, unknown>, inV1Action: boolean): Record<string, unknown> | undefined {
  const behaviors = Array.isArray(button['behaviors']) ? button['behaviors'] : [];
  const callback = behaviors.find((b): b is Record<string, unknown> => isObject(b) && b['type'] === 'callback');
  if (callback) return isObject(callback['value']) ? callback['value'] : undefined;
  return inV1Action && isObject(button['value']) ? button['value'] : undefined;
}

function walk(node: unknown, inV1Action: boolean, isV2: boolean, out: CallbackButton[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, inV1Action, isV2, out);
    return;
  }
  if (!isObject(node)) return;
  if (node['tag'] === 'button') {
    const value = callbackValue(node, inV1Action);
    if (value) out.push({ text: textOf(node), value });
    return;
  }
  for (const [key, child] of Object.entries(node)) {
    walk(child, !isV2 && node['tag'] === 'action' && key === 'actions', isV2, out);
  }
}

/** Every callback button of the card, in document order. */
export function callbackButtons(card: Card): CallbackButton[] {
  const out: CallbackButton[] = [];
  walk(card, false, card['schema'] === '2.0', out);
  return out;
}
