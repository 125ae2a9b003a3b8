/**
 * A chatbot's card without a real alert: the check of its card config when it is saved, the
 * preview (the exact body the sender would post, unsigned; of a saved chatbot or of one being
 * typed into the console's form) and the test send (signed, now).
 */
import { HttpException, HttpStatus } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { appChatKey, webhookKey, type CardConfig, type CardPreview, type CardPreviewBody, type CardSampleBody, type NotifiedAlert, type TestSendAnswer } from '@alertlark/contracts';
import { LarkAppTokens, cardConfigIssues, parseLarkAppBaseUrl, formatUtc, parseLarkWebhookUrl, postToLark, sendAppCard, sharedCard, renderAlertCardDetailed, sampleNotification, signedBody, type CardTarget, type RenderedCard } from '@alertlark/lark';
import type { LarkAppDocument, NotificationObjectRecord } from '@alertlark/persistence';
import type { SecretBox } from '@alertlark/secrets';
import type { ConsoleEnv } from './console.env';
import { openOr409, ownerOf } from './sealed-fields';
import type { TestSendLimiter } from './test-send.limiter';
import { rejectIfInvalid, type ValidationIssue } from './validation';

/** A test send waits this long for Lark's answer. */
export const TEST_SEND_TIMEOUT_MS = 10_000;

/** The card config's problems as request problems (`card.template.header.title.content`). */
export function cardValidationIssues(card: Partial<CardConfig> | undefined, target: { name: string; keywords: readonly string[] }): ValidationIssue[] {
  if (!card) return [];
  return cardConfigIssues(card, target).map((issue) => ({ path: ['card', issue.path].filter(Boolean).join('.'), message: issue.message }));
}

/** The card the sender would post to this chatbot (saved or not) for these alerts (or the built-in sample). */
export function renderSampleCard(target: CardTarget, body: CardSampleBody, env: Pick<ConsoleEnv, 'ALERTLARK_CONSOLE_URL'>, nowMs: number): RenderedCard {
  const alerts = body.alerts?.map(
    (alert, index): NotifiedAlert => ({
      fingerprint: alert.fingerprint ?? `preview-${index + 1}`,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt ?? formatUtc(nowMs - 5 * 60_000),
      ...(alert.endsAt !== undefined ? { endsAt: alert.endsAt } : alert.status === 'resolved' ? { endsAt: formatUtc(nowMs) } : {}),
      ...(alert.generatorURL !== undefined ? { generatorURL: alert.generatorURL } : {}),
    }),
  );
  const notification = sampleNotification({
    ...(target.card?.language ? { language: target.card.language } : {}),
    ...(body.status ? { status: body.status } : {}),
    ...(alerts ? { alerts } : {}),
    nowMs,
  });
  const consoleUrl = `${env.ALERTLARK_CONSOLE_URL}/alerts?group=${encodeURIComponent(notification.groupKey)}`;
  return renderAlertCardDetailed(notification, target, { consoleUrl }, { now: nowMs });
}

/** What a chatbot's card would be; a saved chatbot's record is its own target. */
export function previewCard(target: CardTarget, body: CardSampleBody, env: Pick<ConsoleEnv, 'ALERTLARK_CONSOLE_URL'>, nowMs = Date.now()): CardPreview {
  const rendered = renderSampleCard(target, body, env, nowMs);
  return { card: { msg_type: rendered.message.msg_type, card: { ...rendered.message.card } }, bytes: rendered.bytes, shownAlerts: rendered.shownAlerts, omittedAlerts: rendered.omittedAlerts };
}

/**
 * The card of a chatbot not saved yet (the console's live preview as the form is typed), from the
 * same renderer and the same check as saving it: a config that saving would refuse is a 400 here
 * too, naming the same fields, so the form learns it before the chatbot exists.
 */
export function previewUnsavedCard(body: CardPreviewBody, env: Pick<ConsoleEnv, 'ALERTLARK_CONSOLE_URL'>, nowMs = Date.now()): CardPreview {
  rejectIfInvalid(cardValidationIssues(body.card, body));
  const { name, keywords, card, ...sample } = body;
  return previewCard({ name, keywords, ...(card ? { card } : {}) }, sample, env, nowMs);
}

export interface TestSendDeps {
  secrets: SecretBox;
  env: Pick<ConsoleEnv, 'ALERTLARK_CONSOLE_URL' | 'ALERTLARK_WEBHOOK_HOSTS_ALLOW'>;
  limiter: Pick<TestSendLimiter, 'take'>;
  /** For tests: an undici dispatcher; the global one otherwise. */
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/**
 * Posts a sample card to the chatbot now, signed when it has a secret. Whatever Lark answers is
 * the answer; no answer at all (timeout, connection refused) is a 502 naming why; a webhook whose
 * rate budget is spent is a 429 (TestSendLimiter) and nothing is posted.
 */
export async function sendTestCard(record: NotificationObjectRecord, body: CardSampleBody, deps: TestSendDeps): Promise<TestSendAnswer> {
  if (record.app) return sendAppTestCard(record, record.app, body, deps);
  const owner = ownerOf(record);
  const webhookUrl = openOr409(deps.secrets, record.webhookUrlEncrypted!, owner, 'webhookUrl');
  const allowed = parseLarkWebhookUrl(webhookUrl, deps.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
  if (!allowed.ok) {
    throw new HttpException({ error: 'conflict', message: `the chatbot's webhook URL is no longer allowed: ${allowed.reason}` }, HttpStatus.CONFLICT);
  }
  deps.limiter.take(webhookKey(allowed.url));
  const secret = record.secretEncrypted ? openOr409(deps.secrets, record.secretEncrypted, owner, 'secret') : undefined;
  const nowMs = Date.now();
  const rendered = renderSampleCard(record, body, deps.env, nowMs);
  const result = await postToLark(allowed.url, signedBody(rendered.message, secret, nowMs), {
    timeoutMs: deps.timeoutMs ?? TEST_SEND_TIMEOUT_MS,
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
  });
  if (result.kind === 'error') {
    const reason = result.message.split(allowed.token).join('****');
    throw new HttpException(
      {
        error: 'lark_unreachable',
        message: `Lark did not answer: ${result.errorKind}${result.errorCode ? ` (${result.errorCode})` : ''}: ${reason}`,
        details: { errorKind: result.errorKind, ...(result.errorCode ? { errorCode: result.errorCode } : {}), durationMs: result.durationMs },
      },
      HttpStatus.BAD_GATEWAY,
    );
  }
  return { ok: result.ok, code: result.code ?? null, msg: result.msg ?? null, httpStatus: result.httpStatus, reason: result.reason };
}

/** An app bot's test card: sent as the app to its chat, a shared card like every card of an app bot. */
async function sendAppTestCard(record: NotificationObjectRecord, app: LarkAppDocument, body: CardSampleBody, deps: TestSendDeps): Promise<TestSendAnswer> {
  const base = parseLarkAppBaseUrl(app.baseUrl, deps.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW);
  if (!base.ok) throw new HttpException({ error: 'conflict', message: `the app bot's host is no longer allowed: ${base.reason}` }, HttpStatus.CONFLICT);
  const owner = ownerOf(record);
  const appId = openOr409(deps.secrets, app.appIdEncrypted, owner, 'app.appId');
  deps.limiter.take(appChatKey(appId, app.chatId));
  const options = { timeoutMs: deps.timeoutMs ?? TEST_SEND_TIMEOUT_MS, ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}) };
  const larkApp = { baseUrl: app.baseUrl, appId, appSecret: openOr409(deps.secrets, app.appSecretEncrypted, owner, 'app.appSecret') };
  const { message } = renderSampleCard(record, body, deps.env, Date.now());
  const result = await sendAppCard(larkApp, new LarkAppTokens(options), app.chatId, sharedCard(message.card), `test_${randomUUID()}`, options);
  if (result.kind === 'error') {
    throw new HttpException({ error: 'lark_unreachable', message: `Lark did not answer: ${result.errorKind}: ${result.message}` }, HttpStatus.BAD_GATEWAY);
  }
  return { ok: result.ok, code: result.code ?? null, msg: result.msg ?? null, httpStatus: result.httpStatus, reason: result.reason };
}
