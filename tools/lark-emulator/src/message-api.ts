/**
 * `POST /open-apis/im/v1/messages` (send a card) and `PATCH /open-apis/im/v1/messages/:id`
 * (edit it), free of HTTP. Every request is logged with the code it got. Check order is in
 * README.md ("Lark app API"); the token is always checked first, as Lark's gateway does.
 */
import { tenantKeyOf } from './apps';
import type { AppMessage } from './app-messages';
import {
  APP_CODES,
  APP_MESSAGES,
  cardParseError,
  fieldViolation,
  invalidParameter,
  openApiError,
} from './app-responses';
import type { AppApi } from './app-request-log';
import type { AppState } from './app-state';
import { type Card, cardBytes, isSharedCard, MAX_CARD_BYTES, parseCard } from './card-content';
import type { LarkReply } from './types';

/** Bodies beyond this are not kept in memory; they are over every content limit anyway. */
export const MAX_OPEN_API_BODY_BYTES = 1024 * 1024;
/** "仅支持更新 14 天内发送的消息". */
export const EDIT_WINDOW_MS = 14 * 24 * 3600 * 1000;
/** "持有相同 uuid 的请求，在 1 小时内至多成功发送一条消息"; uuid is at most 50 characters. */
export const UUID_WINDOW_MS = 3600 * 1000;
const MAX_UUID_LENGTH = 50;
const CHAT_ID = /^oc_[A-Za-z0-9_-]+$/;

export interface SendRequest {
  authorization: string | undefined;
  query: URLSearchParams;
  raw: Buffer;
  rawSize: number;
}

export interface PatchRequest {
  authorization: string | undefined;
  messageId: string;
  raw: Buffer;
  rawSize: number;
}

type Fields = Record<string, unknown>;
/** A decision: the reply, plus what the log should know. */
interface Outcome {
  reply: LarkReply;
  appId: string | null;
  messageId?: string;
}

function parseBody(raw: Buffer, rawSize: number): Fields | null {
  if (rawSize > MAX_OPEN_API_BODY_BYTES) return null;
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
  } catch {
    return null;
  }
}

/** The app behind `Authorization: Bearer <tenant token>`, or the 99991661/99991663 answer. */
function authenticate(state: AppState, header: string | undefined, now: number): { appId: string } | { reply: LarkReply } {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match) return { reply: openApiError(APP_CODES.missingToken, APP_MESSAGES.missingToken, now) };
  const issued = state.tokens.resolve(match[1] ?? '', now);
  if (!issued || !state.apps.get(issued.appId)) {
    return { reply: openApiError(APP_CODES.invalidToken, APP_MESSAGES.invalidToken, now) };
  }
  return { appId: issued.appId };
}

/** `content` as a card, or the answer refusing it: empty, over 30 KB, not a JSON object. */
function readCard(body: Fields, now: number): { card: Card } | { reply: LarkReply } {
  const content = body['content'];
  if (typeof content !== 'string') return { reply: fieldViolation('content', 'content is required', now) };
  if (content === '') return { reply: openApiError(APP_CODES.invalidRequestParameter, invalidParameter('content cannot be empty'), now) };
  if (cardBytes(content) > MAX_CARD_BYTES) return { reply: openApiError(APP_CODES.contentTooLong, APP_MESSAGES.contentTooLong, now) };
  const parsed = parseCard(content);
  if (!parsed.ok) return { reply: openApiError(APP_CODES.cardContentFailed, cardParseError(parsed.detail), now) };
  return { card: parsed.card };
}

function messageData(message: AppMessage): Fields {
  const createTime = String(message.createdAtMs);
  return {
    message_id: message.messageId,
    msg_type: message.msgType,
    create_time: createTime,
    update_time: createTime,
    deleted: false,
    updated: false,
    chat_id: message.chatId,
    sender: { id: message.appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKeyOf(message.appId) },
    body: { content: JSON.stringify(message.content) },
  };
}

function decideSend(state: AppState, req: SendRequest, body: Fields | null, now: number): Outcome {
  const auth = authenticate(state, req.authorization, now);
  if ('reply' in auth) return { reply: auth.reply, appId: null };
  const appId = auth.appId;
  const fail = (reply: LarkReply): Outcome => ({ reply, appId });

  const idType = req.query.get('receive_id_type');
  if (idType === null || idType === '') return fail(fieldViolation('receive_id_type', 'receive_id_type is required', now));
  // Lark also takes open_id, user_id, union_id and email; the emulator only has group chats.
  if (idType !== 'chat_id') return fail(openApiError(APP_CODES.invalidRequestParameter, invalidParameter('invalid receive_id_type'), now));
  if (req.rawSize > MAX_OPEN_API_BODY_BYTES) return fail(openApiError(APP_CODES.contentTooLong, APP_MESSAGES.contentTooLong, now));
  if (!body) return fail(openApiError(APP_CODES.badRequest, APP_MESSAGES.badRequest, now));
  for (const field of ['receive_id', 'msg_type'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') return fail(fieldViolation(field, `${field} is required`, now));
  }
  const uuid = body['uuid'];
  if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > MAX_UUID_LENGTH)) {
    return fail(fieldViolation('uuid', `uuid must be a string of at most ${MAX_UUID_LENGTH} characters`, now));
  }
  const chatId = String(body['receive_id']);
  if (!CHAT_ID.test(chatId)) return fail(openApiError(APP_CODES.invalidRequestParameter, invalidParameter('invalid receive_id'), now));
  // Text, post and the rest exist in Lark; the app mode only ever sends cards.
  if (body['msg_type'] !== 'interactive') return fail(openApiError(APP_CODES.invalidRequestParameter, invalidParameter('invalid msg_type'), now));
  const read = readCard(body, now);
  if ('reply' in read) return fail(read.reply);

  const earlier = typeof uuid === 'string' && uuid !== '' ? state.messages.findByUuid(appId, uuid, now - UUID_WINDOW_MS) : undefined;
  const message =
    earlier ??
    state.messages.add({ appId, chatId, content: read.card, nowMs: now, ...(typeof uuid === 'string' && uuid !== '' ? { uuid } : {}) });
  return { reply: { status: 200, body: { code: 0, msg: 'success', data: messageData(message) } }, appId, messageId: message.messageId };
}

function decidePatch(state: AppState, req: PatchRequest, body: Fields | null, now: number): Outcome {
  const auth = authenticate(state, req.authorization, now);
  if ('reply' in auth) return { reply: auth.reply, appId: null, messageId: req.messageId };
  const appId = auth.appId;
  const fail = (reply: LarkReply): Outcome => ({ reply, appId, messageId: req.messageId });
  const invalid = (ext: string) => fail(openApiError(APP_CODES.invalidRequestParameter, invalidParameter(ext), now));

  const message = state.messages.get(req.messageId);
  if (!message) return invalid('invalid message_id');
  if (message.appId !== appId) return invalid('bot or user is not the message`s sender');
  if (req.rawSize > MAX_OPEN_API_BODY_BYTES) return fail(openApiError(APP_CODES.contentTooLong, APP_MESSAGES.contentTooLong, now));
  if (!body) return fail(openApiError(APP_CODES.badRequest, APP_MESSAGES.badRequest, now));
  if (now - message.createdAtMs > EDIT_WINDOW_MS) return fail(openApiError(APP_CODES.tooOldToEdit, APP_MESSAGES.tooOldToEdit, now));
  if (!state.patchLimiter.tryAcquire(message.messageId, now)) {
    return fail(openApiError(APP_CODES.frequencyLimited, APP_MESSAGES.frequencyLimited, now));
  }
  const read = readCard(body, now);
  if ('reply' in read) return fail(read.reply);
  // Lark documents no code of its own here (reports say it silently leaves the card alone);
  // refusing with the generic parameter error makes a missing flag visible in tests.
  if (!isSharedCard(message.content)) return invalid('the card as sent is not a shared card: config.update_multi was not true');
  if (!isSharedCard(read.card)) return invalid('the new card is not a shared card: config.update_multi must be true');

  state.messages.replace(message.messageId, { at: new Date(now).toISOString(), content: read.card, via: 'api' });
  return { reply: { status: 200, body: { code: 0, msg: 'ok', data: {} } }, appId, messageId: message.messageId };
}

function logged(state: AppState, api: AppApi, outcome: Outcome, body: Fields | null, rawSize: number, now: number): LarkReply {
  const code = Number(outcome.reply.body['code']);
  state.requests.add({
    api,
    receivedAt: new Date(now).toISOString(),
    appId: outcome.appId,
    ...(outcome.messageId !== undefined ? { messageId: outcome.messageId } : {}),
    accepted: code === 0,
    code,
    msg: String(outcome.reply.body['msg']),
    httpStatus: outcome.reply.status,
    body,
    rawSize,
  });
  return outcome.reply;
}

export function handleSendMessage(state: AppState, req: SendRequest): LarkReply {
  const now = state.clock();
  const body = parseBody(req.raw, req.rawSize);
  return logged(state, 'send', decideSend(state, req, body, now), body, req.rawSize, now);
}

export function handlePatchMessage(state: AppState, req: PatchRequest): LarkReply {
  const now = state.clock();
  const body = parseBody(req.raw, req.rawSize);
  return logged(state, 'patch', decidePatch(state, req, body, now), body, req.rawSize, now);
}
