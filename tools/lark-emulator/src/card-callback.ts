/**
 * The `card.action.trigger` callback Lark sends when a person clicks a callback button, and the
 * URL-verification request, as LARK.md describes them, plus the reading of the app's answer.
 * Pure: ids, times and IVs come in as arguments.
 */
import { type AppConfig, tenantKeyOf } from './apps';
import type { AppMessage } from './app-messages';
import type { Card } from './card-content';
import { larkCallbackSignature, larkEncrypt } from './lark-crypto';

export interface Operator {
  open_id: string;
  user_id?: string;
  union_id?: string;
}

export interface CardActionInput {
  app: AppConfig;
  message: AppMessage;
  operator: Operator;
  value: Record<string, unknown>;
  eventId: string;
  /** The delayed-update token of this interaction (`c-…`), not the verification token. */
  updateToken: string;
  nowMs: number;
  /** Test knob: a header.token that is not the app's verification token. */
  wrongToken?: boolean;
}

/** Schema 2.0 callback body; `create_time` is in microseconds, as in Lark's examples. */
export function buildCardActionEvent(input: CardActionInput): Record<string, unknown> {
  const tenantKey = tenantKeyOf(input.app.appId);
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId,
      token: input.wrongToken ? `not-${input.app.verificationToken}` : input.app.verificationToken,
      create_time: String(input.nowMs * 1000),
      event_type: 'card.action.trigger',
      tenant_key: tenantKey,
      app_id: input.app.appId,
    },
    event: {
      operator: { tenant_key: tenantKey, ...input.operator },
      token: input.updateToken,
      action: { value: input.value, tag: 'button' },
      host: 'im_message',
      context: { open_message_id: input.message.messageId, open_chat_id: input.message.chatId },
    },
  };
}

export function buildUrlVerification(app: AppConfig, challenge: string): Record<string, unknown> {
  return { challenge, type: 'url_verification', token: app.verificationToken };
}

export interface DeliveryOptions {
  timestampSeconds: number;
  nonce: string;
  /** Test knob: send a signature that does not match the body. */
  tamperSignature?: boolean;
  iv?: Buffer;
}

export interface CallbackDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * The bytes and headers of one callback. With an Encrypt Key the JSON travels as
 * `{"encrypt": …}` and is signed over those exact bytes; without one it travels as is, unsigned
 * (Lark's signature needs the Encrypt Key).
 */
export function callbackDelivery(app: AppConfig, plaintext: string, opts: DeliveryOptions): CallbackDelivery {
  const timestamp = String(opts.timestampSeconds);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': opts.nonce,
  };
  if (app.encryptKey === undefined) return { body: plaintext, headers };
  const body = JSON.stringify({ encrypt: larkEncrypt(plaintext, app.encryptKey, opts.iv) });
  const signature = larkCallbackSignature(timestamp, opts.nonce, app.encryptKey, body);
  headers['x-lark-signature'] = opts.tamperSignature ? tamper(signature) : signature;
  return { body, headers };
}

/** Flips the first hex digit: same length, certainly wrong. */
function tamper(hex: string): string {
  return `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
}

export interface CallbackAnswer {
  /** The answer as JSON when it parses, else its text (null when empty). */
  answer: unknown;
  /** The replacement card of a `{"card":{"type":"raw","data":{…}}}` answer given with HTTP 200. */
  card?: Card;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readCallbackAnswer(status: number, text: string): CallbackAnswer {
  let answer: unknown = text === '' ? null : text;
  try {
    answer = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (status !== 200 || !isObject(answer)) return { answer };
  const card = answer['card'];
  if (isObject(card) && card['type'] === 'raw' && isObject(card['data'])) return { answer, card: card['data'] };
  return { answer };
}
