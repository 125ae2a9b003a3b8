/**
 * The webhook decision, free of HTTP: given a token and the raw body, decide the answer and log it.
 * Order of checks: token, injected fault, size, JSON/body shape, signature, rate limit, keyword.
 */
import { MAX_BODY_BYTES, parseBody } from './body';
import type { BotRegistry } from './bots';
import type { FaultQueue } from './faults';
import { hasKeyword } from './keywords';
import type { MessageLog } from './message-log';
import type { RateLimiter } from './rate-limit';
import { CODES, MESSAGES, larkError, rateLimited, success } from './responses';
import { verifySignature } from './signature';
import type { Fault, LarkReply, MessageRecord, WebhookOutcome } from './types';

export interface EmulatorState {
  bots: BotRegistry;
  log: MessageLog;
  limiter: RateLimiter;
  faults: FaultQueue;
  clock: () => number;
}

export interface WebhookRequest {
  token: string;
  /** The raw body; may be truncated when `rawSize` exceeds the limit. */
  raw: Buffer;
  /** Byte length of the whole body as received. */
  rawSize: number;
  contentType?: string;
}

type Base = Pick<MessageRecord, 'token' | 'receivedAt' | 'rawSize' | 'contentType'>;

function bestEffortJson(req: WebhookRequest): unknown {
  if (req.rawSize > MAX_BODY_BYTES) return null;
  try {
    return JSON.parse(req.raw.toString('utf8'));
  } catch {
    return null;
  }
}

function outcomeOfFault(fault: Fault, style: '11232' | '9499' | undefined): WebhookOutcome {
  switch (fault.kind) {
    case 'http5xx':
      return { kind: 'http5xx', status: fault.status ?? 500 };
    case 'timeout':
      return { kind: 'timeout', ms: fault.ms };
    case 'rate-limit':
      return { kind: 'reply', reply: rateLimited(style) };
    default:
      return { kind: 'reply', reply: larkError(fault.code, fault.msg) };
  }
}

function logOutcome(state: EmulatorState, base: Base, body: unknown, outcome: WebhookOutcome, fault?: Fault): void {
  if (outcome.kind === 'reply') {
    const code = Number(outcome.reply.body['code']);
    state.log.add({
      ...base,
      body,
      accepted: code === 0,
      code,
      msg: String(outcome.reply.body['msg']),
      httpStatus: outcome.reply.status,
      ...(fault ? { fault: fault.kind } : {}),
    });
    return;
  }
  const isTimeout = outcome.kind === 'timeout';
  state.log.add({
    ...base,
    body,
    accepted: false,
    code: null,
    msg: isTimeout ? `injected timeout of ${outcome.ms} ms` : `injected HTTP ${outcome.status}`,
    httpStatus: isTimeout ? null : outcome.status,
    ...(fault ? { fault: fault.kind } : {}),
  });
}

export function handleWebhook(state: EmulatorState, req: WebhookRequest): WebhookOutcome {
  const now = state.clock();
  const base: Base = {
    token: req.token,
    receivedAt: new Date(now).toISOString(),
    rawSize: req.rawSize,
    contentType: req.contentType,
  };
  const answer = (reply: LarkReply, body: unknown): WebhookOutcome => {
    const outcome: WebhookOutcome = { kind: 'reply', reply };
    logOutcome(state, base, body, outcome);
    return outcome;
  };

  const bot = state.bots.get(req.token);
  if (!bot) return answer(larkError(CODES.tokenInvalid, MESSAGES.tokenInvalid), bestEffortJson(req));

  const fault = state.faults.take(req.token);
  if (fault) {
    const outcome = outcomeOfFault(fault, bot.rateLimitStyle);
    logOutcome(state, base, bestEffortJson(req), outcome, fault);
    return outcome;
  }

  if (req.rawSize > MAX_BODY_BYTES) return answer(larkError(CODES.tooLarge, MESSAGES.tooLarge), null);

  const parsed = parseBody(req.raw);
  if (!parsed.ok) return answer(larkError(CODES.badRequest, MESSAGES.badRequest), parsed.body);
  const body = parsed.body;

  if (bot.secret !== undefined && !verifySignature(body, bot.secret, now)) {
    return answer(larkError(CODES.signFailed, MESSAGES.signFailed), body);
  }
  if (!state.limiter.tryAcquire(bot.token, now)) return answer(rateLimited(bot.rateLimitStyle), body);
  if (!hasKeyword(body, bot.keywords)) return answer(larkError(CODES.keywordNotFound, MESSAGES.keywordNotFound), body);
  return answer(success(), body);
}
