/**
 * `POST /_emulator/click`: a person clicking a callback button. The emulator builds the
 * `card.action.trigger` callback Lark would send, POSTs it to the app's callbackUrl with Lark's
 * 3 s deadline, and, when the answer is HTTP 200 JSON carrying `card:{type:"raw",data}`, replaces
 * the card with it as Lark does. Knobs let a test resend an earlier event (Lark's retries), send a
 * stale timestamp, a bad signature or a wrong verification token.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppConfig } from './apps';
import type { AppMessage } from './app-messages';
import type { AppState } from './app-state';
import { callbackButtons } from './card-buttons';
import { buildCardActionEvent, callbackDelivery, readCallbackAnswer } from './card-callback';
import type { PostFn } from './http-post';

/** "Interactions expire 30 days after the card was sent" (LARK.md); the client offers no click after. */
export const CARD_INTERACTION_WINDOW_MS = 30 * 24 * 3600 * 1000;
export const DEFAULT_CALLBACK_TIMEOUT_MS = 3_000;
export const DEFAULT_VERIFY_TIMEOUT_MS = 1_000;

export const clickSchema = z.strictObject({
  messageId: z.string().min(1).optional(),
  operator: z
    .strictObject({ open_id: z.string().min(1), user_id: z.string().min(1).optional(), union_id: z.string().min(1).optional() })
    .optional(),
  /** Sent as `action.value` as given; otherwise the value of the button found by `buttonText`. */
  value: z.record(z.string(), z.unknown()).optional(),
  buttonText: z.string().min(1).optional(),
  replayEventId: z.string().min(1).optional(),
  timestampOffsetSeconds: z.number().int().optional(),
  tamperSignature: z.boolean().optional(),
  wrongToken: z.boolean().optional(),
});

export type ClickInput = z.infer<typeof clickSchema>;

export interface CallbackContext {
  state: AppState;
  post: PostFn;
  callbackTimeoutMs: number;
  verifyTimeoutMs: number;
}

export interface ClickPlan {
  app: AppConfig & { callbackUrl: string };
  message: AppMessage;
  eventId: string;
  plaintext: string;
  replay: boolean;
}

export interface Refusal {
  status: number;
  error: string;
  buttons?: string[];
}

export interface ClickIds {
  eventId: () => string;
  updateToken: () => string;
}

const defaultIds: ClickIds = {
  eventId: () => randomBytes(16).toString('hex'),
  updateToken: () => `c-${randomBytes(20).toString('hex')}`,
};

function chooseValue(message: AppMessage, input: ClickInput): { value: Record<string, unknown> } | Refusal {
  if (input.value) return { value: input.value };
  const buttons = callbackButtons(message.content);
  const texts = buttons.map((b) => b.text);
  if (input.buttonText !== undefined) {
    const found = buttons.find((b) => b.text === input.buttonText);
    return found ? { value: found.value } : { status: 404, error: `no callback button "${input.buttonText}" on the card`, buttons: texts };
  }
  const [only] = buttons;
  if (only && buttons.length === 1) return { value: only.value };
  return { status: 400, error: 'give buttonText or value: the card has no single callback button', buttons: texts };
}

function appFor(state: AppState, message: AppMessage, input: ClickInput): ClickPlan['app'] | Refusal {
  const app = state.apps.get(message.appId);
  if (!app) return { status: 409, error: `the app ${message.appId} that sent the message is no longer registered` };
  if (app.callbackUrl === undefined) return { status: 409, error: `app ${app.appId} has no callbackUrl` };
  if (input.tamperSignature && app.encryptKey === undefined) {
    return { status: 400, error: 'tamperSignature needs an app with an encryptKey (only those requests are signed)' };
  }
  return { ...app, callbackUrl: app.callbackUrl };
}

function planReplay(state: AppState, input: ClickInput, eventId: string): { plan: ClickPlan } | Refusal {
  const extra = (['messageId', 'operator', 'value', 'buttonText', 'wrongToken'] as const).filter((k) => input[k] !== undefined);
  if (extra.length > 0) return { status: 400, error: `replayEventId resends the event as it was; drop ${extra.join(', ')}` };
  const sent = state.events.get(eventId);
  if (!sent) return { status: 404, error: `no earlier click with event id ${eventId}` };
  const message = state.messages.get(sent.messageId);
  if (!message) return { status: 404, error: `message ${sent.messageId} is gone` };
  const app = appFor(state, message, input);
  if ('error' in app) return app;
  return { plan: { app, message, eventId, plaintext: sent.plaintext, replay: true } };
}

/** What to send for a click, or why not; `eventTimeMs` is "now" shifted by the timestamp knob. */
export function planClick(state: AppState, input: ClickInput, eventTimeMs: number, ids: ClickIds = defaultIds): { plan: ClickPlan } | Refusal {
  if (input.replayEventId !== undefined) return planReplay(state, input, input.replayEventId);
  if (input.messageId === undefined) return { status: 400, error: 'messageId is required' };
  if (input.operator === undefined) return { status: 400, error: 'operator.open_id is required' };
  const message = state.messages.get(input.messageId);
  if (!message) return { status: 404, error: `unknown message ${input.messageId}` };
  const app = appFor(state, message, input);
  if ('error' in app) return app;
  if (state.clock() - message.createdAtMs > CARD_INTERACTION_WINDOW_MS) {
    return { status: 409, error: 'card interactions expire 30 days after the card was sent' };
  }
  const chosen = chooseValue(message, input);
  if ('error' in chosen) return chosen;
  const eventId = ids.eventId();
  const event = buildCardActionEvent({
    app,
    message,
    operator: input.operator,
    value: chosen.value,
    eventId,
    updateToken: ids.updateToken(),
    nowMs: eventTimeMs,
    ...(input.wrongToken ? { wrongToken: true } : {}),
  });
  return { plan: { app, message, eventId, plaintext: JSON.stringify(event), replay: false } };
}

export interface ClickReply {
  status: number;
  body: Record<string, unknown>;
}

export async function performClick(ctx: CallbackContext, input: ClickInput): Promise<ClickReply> {
  const { state } = ctx;
  const offsetMs = (input.timestampOffsetSeconds ?? 0) * 1000;
  const planned = planClick(state, input, state.clock() + offsetMs);
  if ('error' in planned) return { status: planned.status, body: { error: planned.error, ...(planned.buttons ? { buttons: planned.buttons } : {}) } };
  const { plan } = planned;
  if (!plan.replay) state.events.set(plan.eventId, { appId: plan.app.appId, messageId: plan.message.messageId, plaintext: plan.plaintext });

  const delivery = callbackDelivery(plan.app, plan.plaintext, {
    timestampSeconds: Math.floor((state.clock() + offsetMs) / 1000),
    nonce: randomUUID(),
    ...(input.tamperSignature ? { tamperSignature: true } : {}),
  });
  const result = await ctx.post(plan.app.callbackUrl, delivery.body, delivery.headers, ctx.callbackTimeoutMs);
  const event: unknown = JSON.parse(plan.plaintext);
  if (!result.ok) {
    return { status: 200, body: { status: null, answer: null, eventId: plan.eventId, applied: false, ms: result.ms, error: result.error, event } };
  }
  const read = readCallbackAnswer(result.status, result.text);
  const applied =
    read.card !== undefined &&
    state.messages.replace(plan.message.messageId, {
      at: new Date(state.clock()).toISOString(),
      content: read.card,
      via: 'callback',
      eventId: plan.eventId,
    }) !== undefined;
  return { status: 200, body: { status: result.status, answer: read.answer, eventId: plan.eventId, applied, ms: result.ms, event } };
}
