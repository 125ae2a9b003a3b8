import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, type DeliveryEvent, type NotificationEvent, type NotificationObjectConfig } from '@alertlark/contracts';
import { ConfigFeed, EventPublisher, PermanentEventError } from '@alertlark/kafka';
import { backoffDelayMs, postToLark, renderAlertCard, signedBody, type LarkPostResult } from '@alertlark/lark';
import { DeliveryLedgerRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { counter } from '@alertlark/service-kit';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts one notification as one card. Every attempt is a `deliveries` event; the ledger (unique
 * notification id) makes a redelivered notification a no-op; transient failures and rate limits
 * are retried with jittered backoff until the deadline, permanent Lark errors are recorded at once.
 */
@Injectable()
export class DeliverNotificationUseCase {
  private readonly attempts: Counter;

  constructor(
    private readonly config: ConfigFeed,
    private readonly publisher: EventPublisher,
    private readonly ledger: DeliveryLedgerRepository,
    private readonly secrets: SecretBox,
    @Inject(LARK_SENDER_ENV) private readonly env: LarkSenderEnv,
    registry: Registry,
  ) {
    this.attempts = counter(registry, 'alertlark_sender_attempts_total', 'Requests made to Lark, by outcome', ['outcome', 'reason']);
  }

  async execute(notification: NotificationEvent): Promise<void> {
    if (await this.ledger.isFinished(notification.notificationId)) return;
    const deadline = Date.now() + this.env.LARK_DELIVERY_DEADLINE_MS;
    const object = await this.awaitObject(notification, deadline);
    if (!object) {
      await this.finish(notification, 1, { outcome: 'failed', error: 'notification object was deleted' }, 0);
      return;
    }
    const { webhookUrl, secret } = this.unseal(object);
    const card = renderAlertCard(
      notification,
      { name: object.name, keywords: object.keywords, ...(object.card ? { card: object.card } : {}) },
      { consoleUrl: `${this.env.ALERTLARK_CONSOLE_URL}/alerts?group=${encodeURIComponent(notification.groupKey)}` },
    );
    for (let attempt = 1; ; attempt++) {
      // Signed per attempt: the timestamp must be within an hour of Lark's clock when it arrives.
      const result = await postToLark(webhookUrl, signedBody(card, secret, Date.now()), { timeoutMs: this.env.LARK_REQUEST_TIMEOUT_MS });
      this.attempts.inc({ outcome: result.outcome, reason: result.reason });
      const detail = describe(result);
      if (result.ok) return this.finish(notification, attempt, { outcome: 'delivered', ...detail }, result.durationMs);
      if (!result.retryable) return this.finish(notification, attempt, { outcome: 'failed', ...detail }, result.durationMs);
      const delay = backoffDelayMs(attempt, { baseMs: 500, maxMs: 30_000, minMs: result.rateLimited ? 1_000 : 0 });
      if (Date.now() + delay > deadline) {
        await this.publishAttempt(notification, attempt, { outcome: 'failed', ...detail }, result.durationMs);
        throw new PermanentEventError(`delivery deadline of ${this.env.LARK_DELIVERY_DEADLINE_MS} ms passed after ${attempt} attempts: ${result.reason}`);
      }
      await this.publishAttempt(notification, attempt, { outcome: 'retrying', ...detail }, result.durationMs);
      await sleep(delay);
    }
  }

  /**
   * The router and this sender follow the config topic separately, so a notification can arrive
   * a moment before its chatbot does: wait for it (until the deadline). A deleted one is final.
   */
  private async awaitObject(notification: NotificationEvent, deadline: number): Promise<NotificationObjectConfig | undefined> {
    for (;;) {
      const object = this.config.view.notificationObject(notification.teamId, notification.objectId);
      if (object) return object;
      if (this.config.view.isDeletedObject(notification.objectId)) return undefined;
      if (Date.now() > deadline) throw new PermanentEventError(`notification object ${notification.objectId} is unknown to this sender`);
      await sleep(250);
    }
  }

  /** A secret sealed under another key will never open: dead-letter the notification, do not retry. */
  private unseal(object: NotificationObjectConfig): { webhookUrl: string; secret: string | undefined } {
    try {
      return {
        webhookUrl: this.secrets.decrypt(object.webhookUrlEncrypted),
        secret: object.secretEncrypted ? this.secrets.decrypt(object.secretEncrypted) : undefined,
      };
    } catch (error) {
      throw new PermanentEventError(`cannot unseal the webhook of ${object.id} (is ALERTLARK_SECRET_KEY the console's?): ${String(error)}`);
    }
  }

  /** Ledger first: if publishing the audit event then fails, a retry finds the card already sent. */
  private async finish(notification: NotificationEvent, attempt: number, outcome: AttemptOutcome, durationMs: number): Promise<void> {
    await this.ledger.record({
      _id: notification.notificationId,
      teamId: notification.teamId,
      objectId: notification.objectId,
      outcome: outcome.outcome === 'delivered' ? 'delivered' : 'failed',
      ...(outcome.larkCode !== undefined ? { larkCode: outcome.larkCode } : {}),
      attempts: attempt,
      finishedAt: new Date(),
    });
    await this.publishAttempt(notification, attempt, outcome, durationMs);
  }

  private publishAttempt(notification: NotificationEvent, attempt: number, outcome: AttemptOutcome, durationMs: number): Promise<void> {
    const delivery: DeliveryEvent = {
      deliveryId: randomUUID(),
      notificationId: notification.notificationId,
      teamId: notification.teamId,
      objectId: notification.objectId,
      attempt,
      alertCount: notification.alerts.length,
      at: new Date().toISOString(),
      durationMs,
      ...outcome,
    };
    return this.publisher.publish(EVENTS.deliveries, [{ key: notification.objectId, value: delivery }]);
  }
}

type AttemptOutcome = Pick<DeliveryEvent, 'outcome'> & Partial<Pick<DeliveryEvent, 'httpStatus' | 'larkCode' | 'larkMsg' | 'error'>>;

function describe(result: LarkPostResult): Omit<AttemptOutcome, 'outcome'> {
  if (result.kind === 'error') return { error: `${result.errorKind}: ${result.message}` };
  return {
    httpStatus: result.httpStatus,
    ...(result.code !== undefined ? { larkCode: result.code } : {}),
    ...(result.msg !== undefined ? { larkMsg: result.msg } : {}),
  };
}
