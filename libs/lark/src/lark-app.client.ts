/**
 * Lark's app API as an app bot's sender uses it (LARK.md, "Lark app"): a tenant access token per
 * app, cached until shortly before it expires; cards posted to a chat (`im/v1/messages`, their
 * message ids kept by the caller); cards edited in place (PATCH, shared cards only). Never throws:
 * every outcome comes back classified like a webhook's.
 */
import { classification } from './lark.classify';
import { requestLark, type LarkPostResult, type PostOptions } from './lark.client';
import type { AlertCardMessage } from './card.types';

/** A card of any kind: the default v1 one or an object's own template. */
export type AnyCard = AlertCardMessage['card'];

export interface LarkApp {
  /** `https://open.feishu.cn`, `https://open.larksuite.com`, or an allowlisted stand-in. */
  baseUrl: string;
  appId: string;
  appSecret: string;
}

/** A token is renewed this long before Lark says it expires (Lark answers a new one below 30 min left). */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The card as an app bot sends it: shared (`update_multi`), so that it can be edited in place later
 * and a callback's answer may replace it for everyone in the chat (LARK.md).
 */
export function sharedCard(card: AnyCard): AnyCard {
  const config: unknown = (card as { config?: unknown }).config;
  return { ...card, config: { ...(typeof config === 'object' && config !== null ? config : {}), update_multi: true } } as AnyCard;
}

/** Tenant access tokens by app, shared by every chat of the app. */
export class LarkAppTokens {
  private readonly tokens = new Map<string, { token: string; renewAt: number; secret: string }>();

  constructor(private readonly options: PostOptions, private readonly now: () => number = Date.now) {}

  /** A valid token, from the cache or asked for now. */
  async token(app: LarkApp): Promise<{ token: string } | { result: LarkPostResult }> {
    const key = `${app.baseUrl} ${app.appId}`;
    const cached = this.tokens.get(key);
    if (cached && cached.secret === app.appSecret && cached.renewAt > this.now()) return { token: cached.token };
    const { result, text } = await requestLark('POST', `${app.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, { app_id: app.appId, app_secret: app.appSecret }, {}, this.options);
    if (!result.ok) return { result };
    const answer = parseObject(text);
    const token = answer['tenant_access_token'];
    const expire = answer['expire'];
    if (typeof token !== 'string' || !token || typeof expire !== 'number') return { result: { ...result, ...classification('permanent', 'no-tenant-token') } };
    this.tokens.set(key, { token, renewAt: this.now() + Math.max(0, expire * 1000 - RENEW_BEFORE_MS), secret: app.appSecret });
    return { token };
  }

  /** Lark refused the token (revoked, or the app's secret changed): the next call asks again. */
  forget(app: LarkApp): void {
    this.tokens.delete(`${app.baseUrl} ${app.appId}`);
  }
}

export type LarkAppSendResult = LarkPostResult & { messageId?: string };

/**
 * Posts a card to a chat as the app. `uuid` (≤ 50 characters) makes a retry of the same card within
 * an hour answer the first message instead of posting twice (Lark de-duplicates on it).
 */
export async function sendAppCard(app: LarkApp, tokens: LarkAppTokens, chatId: string, card: AnyCard, uuid: string, options: PostOptions): Promise<LarkAppSendResult> {
  const body = { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card), uuid: uuid.slice(0, 50) };
  return withToken(app, tokens, async (token) => {
    const { result, text } = await requestLark('POST', `${app.baseUrl}/open-apis/im/v1/messages?receive_id_type=chat_id`, body, { authorization: `Bearer ${token}` }, options);
    if (!result.ok) return result;
    const data = parseObject(text)['data'];
    const messageId = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['message_id'] : undefined;
    if (typeof messageId !== 'string' || !messageId) return { ...result, ...classification('permanent', 'no-message-id') };
    return { ...result, messageId };
  });
}

/** Replaces a card the app sent (a shared card: `update_multi`) with `card`. */
export function patchAppCard(app: LarkApp, tokens: LarkAppTokens, messageId: string, card: AnyCard, options: PostOptions): Promise<LarkPostResult> {
  return withToken(app, tokens, async (token) => {
    const { result } = await requestLark('PATCH', `${app.baseUrl}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`, { content: JSON.stringify(card) }, { authorization: `Bearer ${token}` }, options);
    return result;
  });
}

/** Calls with the app's token; once more with a new one when Lark says the token is no good. */
async function withToken<R extends LarkPostResult>(app: LarkApp, tokens: LarkAppTokens, call: (token: string) => Promise<R>): Promise<R | LarkPostResult> {
  for (let attempt = 1; ; attempt++) {
    const got = await tokens.token(app);
    if ('result' in got) return got.result;
    const result = await call(got.token);
    if (result.reason !== 'tenant-token-invalid' || attempt === 2) return result;
    tokens.forget(app);
  }
}

function parseObject(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
