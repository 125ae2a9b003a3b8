import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { backoffDelayMs, planDispatch } from '@alertlark/lark';
import { BotRateWindowRepository } from '@alertlark/persistence';
import { JsonLogger } from '@alertlark/service-kit';
import { BotQueues, queuedOf, type BotQueue } from './bot-queues';
import { DeliverBatchUseCase } from './deliver-batch.usecase';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';
import { requestEntries } from './webhook-request';

/**
 * How long shutdown waits for requests in flight. A request's outcome is recorded in MongoDB, and
 * with MongoDB down that wait has no end of its own; given up, the notification stays unfinished,
 * its offset uncommitted, and the next owner sends it again (the ledger drops it if the outcome
 * did land). With Lark's request timeout (5 s) inside it, SIGTERM ends the process within 15 s.
 */
export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * Drives every bot (webhook) this replica owns: one request in flight per bot, each planned against
 * the bot's rate budget (one card each while it can carry the backlog, else a digest), whichever
 * chatbots its notifications are for, and notifications past their delivery deadline
 * dead-lettered. Bots wait on Lark, not on this CPU, so many go at once.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stepFailures: Counter;

  constructor(
    private readonly queues: BotQueues,
    private readonly deliver: DeliverBatchUseCase,
    private readonly rateWindows: BotRateWindowRepository,
    private readonly logger: JsonLogger,
    @Inject(LARK_SENDER_ENV) private readonly env: LarkSenderEnv,
    registry: Registry,
  ) {
    this.stepFailures = new Counter({ name: 'alertlark_sender_step_failures_total', help: 'Delivery steps of a bot that failed (MongoDB, Kafka) and were retried after a backoff', registers: [registry] });
    new Gauge({
      name: 'alertlark_sender_pending_notifications',
      help: 'Notifications this replica holds for its chatbots, not yet finished',
      registers: [registry],
      collect() {
        this.set(queues.pendingCount());
      },
    });
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /**
   * No new request from now on. Nest runs every module's destroy hooks before any shutdown hook,
   * so this holds before the inbox's consumer stops: nothing is started for a partition being
   * given away, nor on queues a revocation is emptying.
   */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Lets requests in flight finish, for `SHUTDOWN_GRACE_MS` at most; what is still queued is read again from Kafka by the next owner. */
  async beforeApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    let grace: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const finished = await Promise.race([settled, new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS)))]);
    clearTimeout(grace);
    if (!finished) this.logger.event('warn', 'shutting down with delivery steps unfinished; their notifications stay uncommitted, for the next owner', { steps: this.inFlight.size });
  }

  /** Looks at the queues now rather than at the next poll (a notification just arrived). */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.env.LARK_DISPATCH_POLL_MS);
  }

  private tick(): void {
    try {
      const now = Date.now();
      for (const bot of this.queues.all()) {
        if (this.inFlight.size >= this.env.LARK_SENDER_CONCURRENCY) break;
        if (!this.queues.canSend(bot) || bot.pausedUntil > now || bot.entries.length === 0) continue;
        this.start(bot);
      }
    } finally {
      this.schedule();
    }
  }

  private start(bot: BotQueue): void {
    this.queues.begin(bot);
    const work = this.serve(bot)
      .catch((error: unknown) => {
        // MongoDB or Kafka unavailable: the notifications stay queued, and this bot alone backs
        // off, longer at each failure in a row (up to a minute); the other bots keep their pace.
        bot.failures += 1;
        const delayMs = backoffDelayMs(bot.failures, { baseMs: 1_000, maxMs: 60_000, minMs: 500 });
        bot.pausedUntil = Date.now() + delayMs;
        this.stepFailures.inc();
        this.logger.event('error', 'delivery step failed; retrying', { botKey: bot.botKey, failures: bot.failures, retryInMs: delayMs, error: String(error) });
      })
      .finally(() => {
        this.queues.settle(bot);
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
  }

  private async serve(bot: BotQueue): Promise<void> {
    bot.sentAt ??= await this.rateWindows.get(bot.botKey);
    const now = Date.now();
    const deadline = this.env.LARK_DELIVERY_DEADLINE_MS;
    const expired = bot.entries.filter((entry) => now - entry.receivedAt.getTime() >= deadline);
    if (expired.length > 0) {
      const tried = expired.some((entry) => (bot.attempts.get(entry._id) ?? 0) > 0);
      const reason = tried ? `delivery deadline of ${deadline} ms passed; Lark kept failing` : `delivery deadline of ${deadline} ms passed before a request could be made (chatbot unknown to this sender?)`;
      await this.deliver.deadLetter(bot, expired, reason);
    }
    const chatbots = await this.deliver.chatbotsOf(bot);
    const sendable = requestEntries(bot.entries, chatbots);
    if (sendable.length === 0) {
      // Only notifications of chatbots this sender has not heard of yet: look again shortly.
      if (bot.entries.length > 0) bot.pausedUntil = Date.now() + 250;
      return;
    }
    const plan = planDispatch(queuedOf(sendable), bot.sentAt, now, { digestAfterMs: this.env.LARK_DIGEST_AFTER_MS, limits: this.deliver.rateLimits });
    if (plan.kind === 'wait') bot.pausedUntil = plan.until;
    // Shutdown began while this step read MongoDB: no request that could outlive the process.
    if (plan.kind !== 'send' || this.stopped) return;
    const chosen = new Set(plan.notificationIds);
    await this.deliver.execute(
      bot,
      sendable.filter((entry) => chosen.has(entry._id)),
      chatbots,
      plan.digest,
    );
  }
}
