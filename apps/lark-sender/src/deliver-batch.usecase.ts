import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, appChatKey, isDailySummary, webhookKey, type DeliveryOutcome, type NotificationObjectConfig } from '@alertlark/contracts';
import type { Kafka } from 'kafkajs';
import { ConfigFeed, EventPublisher, MessageTooLargeError, ProduceBatcher, fitDeadLetter } from '@alertlark/kafka';
import {
  LARK_CODES,
  backoffDelayMs,
  postToLark,
  pruneSentAt,
  rateBudget,
  renderAlertCard,
  renderDailySummaryCard,
  renderDigestCard,
  renderFollowUpCard,
  parseLarkAppBaseUrl,
  parseLarkWebhookUrl,
  signedBody,
  type CardTarget,
  type LarkCardMessage,
  type LarkPostResult,
  type RateLimits,
} from '@alertlark/lark';
import { BotRateWindowRepository, DeliveryLedgerRepository } from '@alertlark/persistence';
import { AppBotCards, type InBudget } from './app-bot-cards';
import { SecretBox } from '@alertlark/secrets';
import { JsonLogger, KAFKA, counter } from '@alertlark/service-kit';
import { BotQueues, type BotQueue, type InboxEntry } from './bot-queues';
import { deliveryEvent, type AttemptDetail } from './delivery-event';
import { CARD_LINK_SETTINGS, groupPageUrl, notificationCardLinks, type CardLinkSettings } from './card-links';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';
import { PartitionProgress } from './partition-progress';
import { asChatbotGroup, digestSender, type Chatbot } from './webhook-request';


/**
 * One request to a bot (a webhook) carrying one notification, or a digest of several, of any of
 * the chatbots posting to it, and what follows from Lark's answer: delivered or failed for good
 * (ledger, audit, off the queue), or retried later with backoff (the notifications stay queued and
 * may be merged into a digest next time). Every notification's part in every attempt is a
 * `deliveries` event of its own chatbot.
 */
@Injectable()
export class DeliverBatchUseCase implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly attempts: Counter;
  private readonly unwritable: Counter;
  /**
   * Dead letters go through a producer of their own: a bot's backlog dead-lettered at once is
   * hundreds of megabytes, seconds of produce requests that every other bot's delivery events
   * would otherwise wait behind.
   */
  private readonly deadLetters: EventPublisher;
  private readonly settled: Counter;
  private readonly digests: Counter;
  /**
   * Every bot's attempts share produce requests: one request per card, serialised through the
   * service's one producer, made twenty bots wait on each other's round trips (75-230 ms a card).
   */
  private readonly attemptsOut: ProduceBatcher;
  readonly rateLimits: RateLimits;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly config: ConfigFeed,
    private readonly publisher: EventPublisher,
    private readonly ledger: DeliveryLedgerRepository,
    private readonly appCards: AppBotCards,
    private readonly progress: PartitionProgress,
    private readonly rateWindows: BotRateWindowRepository,
    private readonly queues: BotQueues,
    private readonly secrets: SecretBox,
    private readonly logger: JsonLogger,
    @Inject(LARK_SENDER_ENV) private readonly env: LarkSenderEnv,
    @Inject(CARD_LINK_SETTINGS) private readonly links: CardLinkSettings,
    registry: Registry,
  ) {
    this.attempts = counter(registry, 'alertlark_sender_attempts_total', 'Requests made to Lark, by outcome', ['outcome', 'reason']);
    this.settled = counter(registry, 'alertlark_sender_notifications_total', 'Notifications finished, by outcome and reason', ['outcome', 'reason']);
    this.attemptsOut = new ProduceBatcher(publisher, { lingerMs: 2, maxPendingMessages: 1_000_000 });
    this.deadLetters = new EventPublisher(kafka);
    this.unwritable = counter(registry, 'alertlark_sender_unwritable_messages_total', 'Messages given up because they can never fit in a Kafka message', ['topic']);
    this.digests = counter(registry, 'alertlark_sender_digest_requests_total', 'Requests that carried a digest of several notifications');
    this.rateLimits = { perSecond: env.LARK_RATE_PER_SECOND, perMinute: env.LARK_RATE_PER_MINUTE, marginMs: env.LARK_RATE_MARGIN_MS };
  }

  /**
   * The chatbots of the bot's queued notifications, as they post now. The notifications of a
   * deleted chatbot, of one whose webhook cannot be unsealed, or of one whose webhook host
   * ALERTLARK_WEBHOOK_HOSTS_ALLOW no longer allows, fail for good here; those of a chatbot not
   * known yet wait (the router and this sender follow the config topic separately, so a
   * notification may arrive a moment before its chatbot; the deadline sweep ends the wait). The
   * dispatcher asks before every request, so a narrowed allowlist stops retries as well.
   */
  async chatbotsOf(bot: BotQueue): Promise<Map<string, Chatbot>> {
    const chatbots = new Map<string, Chatbot>();
    const failed = new Map<string, { reason: string; error: string }>();
    for (const { objectId, notification } of bot.entries) {
      if (chatbots.has(objectId) || failed.has(objectId)) continue;
      const object = this.config.view.notificationObject(notification.teamId, objectId);
      if (!object) {
        if (this.config.view.isDeletedObject(objectId)) failed.set(objectId, { reason: 'object-deleted', error: 'notification object was deleted' });
        continue;
      }
      const sealed = this.unseal(object);
      if ('error' in sealed) {
        failed.set(objectId, { reason: 'unseal-failed', error: sealed.error });
        continue;
      }
      const allowHosts = this.env.ALERTLARK_WEBHOOK_HOSTS_ALLOW;
      const allowed = sealed.app ? parseLarkAppBaseUrl(sealed.app.lark.baseUrl, allowHosts) : parseLarkWebhookUrl(sealed.webhookUrl, allowHosts);
      if (!allowed.ok) failed.set(objectId, { reason: 'webhook-not-allowed', error: `${sealed.app ? 'app host' : 'webhook URL'} no longer allowed: ${allowed.reason}` });
      else chatbots.set(objectId, { config: object, ...sealed });
    }
    for (const [objectId, { reason, error }] of failed) {
      await this.settle(bot, bot.entries.filter((entry) => entry.objectId === objectId), 'failed', reason, 1, { error }, 0);
    }
    return chatbots;
  }

  /**
   * Sends `entries` (of one bot, oldest first, their chatbots in `chatbots`, all posting to one
   * webhook: `requestEntries`) as one request: a digest card of them, or a card of the last, which
   * supersedes the others (see planDispatch; they are all of its chatbot's group). It settles the
   * notifications its card speaks for: all of them, except those whose groups a digest had no room
   * to list, which stay queued and untried for the next digest.
   */
  async execute(bot: BotQueue, entries: InboxEntry[], chatbots: ReadonlyMap<string, Chatbot>, digest: boolean): Promise<void> {
    const digestId = digest ? `dg_${randomUUID()}` : undefined;
    const { chatbot, message, carried } = this.render(entries, chatbots, digestId);
    const { webhookUrl, secret } = chatbot;
    const attempt = Math.max(...carried.map((entry) => (bot.attempts.get(entry._id) ?? 0) + 1));
    for (const entry of carried) bot.attempts.set(entry._id, (bot.attempts.get(entry._id) ?? 0) + 1);

    if (digest) this.digests.inc();
    let result = chatbot.app ? await this.appCards.send(chatbot, message, carried, digest, this.inBudgetOf(bot)) : await this.post(bot, webhookUrl, message, secret);
    if (result.kind === 'response' && result.code === LARK_CODES.signatureMismatch && secret && (await this.awaitBudget(bot, 2_000))) {
      // LARK.md: 19021 may be a clock skew of the moment; one re-signed retry, then it is final.
      result = await this.post(bot, webhookUrl, message, secret);
    }
    this.attempts.inc({ outcome: result.outcome, reason: result.reason });
    const detail = describe(result);
    if (result.ok) {
      bot.failures = 0;
      await this.settle(bot, carried, 'delivered', 'delivered', attempt, detail, result.durationMs, digestId);
      return;
    }
    if (!result.retryable) {
      bot.failures = 0;
      this.logger.event('warn', 'Lark refused a card for good', { botKey: bot.botKey, objectId: chatbot.config.id, reason: result.reason, ...detail });
      await this.settle(bot, carried, 'failed', result.reason, attempt, detail, result.durationMs, digestId);
      return;
    }
    bot.failures += 1;
    bot.pausedUntil = Date.now() + backoffDelayMs(bot.failures, { baseMs: 500, maxMs: 30_000, minMs: result.rateLimited ? 1_000 : 0 });
    await this.publishAttempts(carried, attempt, 'retrying', detail, result.durationMs, digestId);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deadLetters.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deadLetters.disconnect();
  }

  /** Waits for the bot's next free slot if it comes within `maxWaitMs`; false if it does not. */
  private async awaitBudget(bot: BotQueue, maxWaitMs: number): Promise<boolean> {
    const budget = rateBudget(bot.sentAt ?? [], Date.now(), this.rateLimits);
    if (budget.availableNow > 0) return true;
    if (budget.nextAt - Date.now() > maxWaitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, budget.nextAt - Date.now())));
    return true;
  }

  /** A card to a webhook, signed, as one request of the bot's budget (`counted`). */
  private post(bot: BotQueue, webhookUrl: string, message: LarkCardMessage, secret: string | undefined): Promise<LarkPostResult> {
    // Signed per request: the timestamp must be within an hour of Lark's clock when it arrives.
    return this.counted(bot, () => postToLark(webhookUrl, signedBody(message, secret, Date.now()), { timeoutMs: this.env.LARK_REQUEST_TIMEOUT_MS }));
  }

  /**
   * One request to Lark (a webhook's or the app API's), counted in the bot's budget: in memory before it goes (the limit holds on this
   * replica whatever the database does), and saved while it goes, so that a replica taking the bot
   * over after a crash knows of it. Saving before the request put a database round trip in front
   * of every card (hundreds of milliseconds with FerretDB busy); what it bought was knowledge of a
   * request that a crash cuts off in the few milliseconds before the save lands, and Lark refusing
   * one request over the limit (11232) is retried by the new owner. Once answered, the request is
   * counted from the answer instead: Lark saw it at the latest then, and a request held up on a
   * loaded machine must not let the next ones bunch up inside Lark's window.
   */
  private async counted<R>(bot: BotQueue, call: () => Promise<R>): Promise<R> {
    const provisional = Date.now();
    bot.sentAt = pruneSentAt([...(bot.sentAt ?? []), provisional], provisional, this.rateLimits);
    // A failed save costs margin only: the card must not be held back, nor sent twice, for it.
    const save = (instants: number[]) =>
      this.rateWindows.save(bot.botKey, instants).catch((error: unknown) => this.logger.event('warn', 'could not save the bot\'s request instants', { botKey: bot.botKey, error: String(error) }));
    const saved = save([...bot.sentAt]);
    const result = await call();
    await saved;
    const index = bot.sentAt.lastIndexOf(provisional);
    if (index >= 0) bot.sentAt[index] = Date.now();
    // The bot's next card does not wait for this one.
    void save([...bot.sentAt]);
    return result;
  }

  /**
   * Requests to the app API in the bot's budget (the chat's): each waits up to a few seconds for
   * a slot and is counted as `post` counts a webhook's, from its answer once answered. Undefined
   * when no slot comes soon enough.
   */
  private inBudgetOf(bot: BotQueue): InBudget {
    return async (call) => ((await this.awaitBudget(bot, 5_000)) ? this.counted(bot, call) : undefined);
  }

  /**
   * Dead-letters notifications still unsent at their deadline: the whole notification goes to the
   * dead-letter topic with the cause (a documented command replays it), and off the queue. No
   * ledger row: a replayed notification must be sent again.
   */
  async deadLetter(bot: BotQueue, entries: InboxEntry[], reason: string): Promise<void> {
    const at = new Date().toISOString();
    const letters = entries.flatMap((entry) => {
      const key = `${EVENTS.notifications.topic}/${entry.partition}/${entry.offset}`;
      // Cut to fit (the cause and source stay whole): an entry that can never be written would
      // otherwise hold the bot, and its partition's commit, forever.
      const value = fitDeadLetter(key, {
        sourceTopic: EVENTS.notifications.topic,
        partition: entry.partition,
        offset: entry.offset,
        // The key it came with (its webhook's): a replay lands on the webhook's partition and budget.
        key: entry.botKey,
        value: JSON.stringify(entry.notification),
        reason,
        consumer: 'lark-sender',
        at,
      });
      if (value) return [{ key, value }];
      this.unwritable.inc({ topic: EVENTS.deadLetter.topic });
      this.logger.event('error', 'dead-letter entry too large to write; notification given up', { botKey: bot.botKey, notificationId: entry._id, partition: entry.partition, offset: entry.offset });
      return [];
    });
    await this.deadLetters.publish(EVENTS.deadLetter, letters);
    this.logger.event('error', 'notifications dead-lettered', { botKey: bot.botKey, count: entries.length, reason });
    const attempt = (entry: InboxEntry) => bot.attempts.get(entry._id) ?? 0;
    await this.orGiveUp(
      this.publisher.publish(
        EVENTS.deliveries,
        entries.map((entry) => ({ key: entry.objectId, value: deliveryEvent(entry.notification, Math.max(1, attempt(entry)), 'dead-lettered', { error: reason }, 0) })),
      ),
    );
    this.settled.inc({ outcome: 'dead-lettered', reason: 'deadline' }, entries.length);
    await this.forget(bot, entries);
  }

  /**
   * The card for `entries`, the chatbot it is posted and signed as, and the entries it speaks for.
   * A single card is its own chatbot's; a digest is `digestSender`'s, each chatbot's groups lines
   * of their own, each linking to its group's page. An alert card's action buttons are signed here,
   * at each attempt, so a link lives `ALERTLARK_ACTION_LINK_TTL` from when its card was posted.
   */
  private render(entries: InboxEntry[], chatbots: ReadonlyMap<string, Chatbot>, digestId: string | undefined): { chatbot: Chatbot; message: LarkCardMessage; carried: InboxEntry[] } {
    const consoleUrl = this.links.consoleUrl;
    if (digestId) {
      const { chatbot, target } = digestSender(entries, chatbots);
      const notifications = entries.map((entry) => asChatbotGroup(entry.notification));
      const digest = renderDigestCard(notifications, target, {
        consoleUrl: `${consoleUrl}/deliveries?digestId=${encodeURIComponent(digestId)}`,
        groupUrl: (groupId) => groupPageUrl(this.links, groupId),
      });
      const shown = new Set(digest.shownNotificationIds);
      // No room for a single line (the card alone near Lark's limit, which no valid chatbot comes
      // close to): it speaks for them all, so Lark's answer settles them instead of the bot
      // sending an empty digest forever.
      if (shown.size === 0) return { chatbot, message: digest.message, carried: entries };
      return { chatbot, message: digest.message, carried: entries.filter((entry) => shown.has(entry._id)) };
    }
    const notification = entries[entries.length - 1]!.notification;
    const chatbot = chatbots.get(notification.objectId)!;
    const target = cardTarget(chatbot.config);
    if (isDailySummary(notification)) {
      return { chatbot, message: renderDailySummaryCard(notification, target, { consoleUrl: `${consoleUrl}/stats?objectId=${encodeURIComponent(notification.objectId)}` }), carried: entries };
    }
    const links = notificationCardLinks(notification, this.links, Date.now());
    // A follow-up is planned alone (planDispatch): its card speaks for itself only.
    if (notification.followUp) return { chatbot, message: renderFollowUpCard(notification, target, links), carried: entries };
    // An app bot's buttons call back to the console, which Lark signs: no action links to mint.
    const appLinks = chatbot.app ? { consoleUrl: links.consoleUrl, callbacks: true as const } : links;
    return { chatbot, message: renderAlertCard(notification, target, appLinks), carried: entries };
  }

  /** Ledger first: if publishing the audit events then fails, a redelivery finds the card already sent. */
  private async settle(
    bot: BotQueue,
    entries: InboxEntry[],
    outcome: 'delivered' | 'failed',
    reason: string,
    attempt: number,
    detail: AttemptDetail,
    durationMs: number,
    digestId?: string,
  ): Promise<void> {
    await this.ledger.recordMany(
      entries.map((entry) => ({
        _id: entry._id,
        teamId: entry.notification.teamId,
        objectId: entry.objectId,
        outcome,
        ...(detail.larkCode !== undefined ? { larkCode: detail.larkCode } : {}),
        ...(digestId ? { digestId } : {}),
        attempts: bot.attempts.get(entry._id) ?? attempt,
        finishedAt: new Date(),
      })),
    );
    await this.publishAttempts(entries, attempt, outcome, detail, durationMs, digestId);
    this.settled.inc({ outcome, reason }, entries.length);
    await this.forget(bot, entries);
  }

  /** Off the queue, and finished for the partition's commit. */
  private async forget(bot: BotQueue, entries: InboxEntry[]): Promise<void> {
    this.queues.remove(bot, entries.map((entry) => entry._id));
    for (const entry of entries) this.progress.finish(entry.partition, Number(entry.offset));
  }

  private publishAttempts(entries: InboxEntry[], attempt: number, outcome: DeliveryOutcome, detail: AttemptDetail, durationMs: number, digestId?: string): Promise<void> {
    return this.orGiveUp(
      this.attemptsOut.add([
        { contract: EVENTS.deliveries, events: entries.map((entry) => ({ key: entry.objectId, value: deliveryEvent(entry.notification, attempt, outcome, detail, durationMs, digestId) })) },
      ]),
    );
  }

  /**
   * A message that can never fit is counted, logged and given up; retrying it would stall the
   * bot (the dispatcher retries a failed step every second). Anything else is thrown, to be retried.
   */
  private async orGiveUp(publish: Promise<void>): Promise<void> {
    try {
      await publish;
    } catch (error) {
      if (!(error instanceof MessageTooLargeError)) throw error;
      this.unwritable.inc({ topic: error.topic });
      this.logger.event('error', 'message too large to write; given up', { topic: error.topic, key: error.key, bytes: error.bytes });
    }
  }

  /**
   * A secret sealed under another key, or for another row (copied from another team's or chatbot's
   * row, or in the format before values were bound to their row and not yet migrated by the
   * console), will never open: nothing can be sent to that chatbot.
   */
  private unseal(object: NotificationObjectConfig): Omit<Chatbot, 'config'> | { error: string } {
    const owner = { teamId: object.teamId, objectId: object.id };
    try {
      if (object.app) {
        const appId = this.secrets.open(object.app.appIdEncrypted, owner, 'app.appId');
        const lark = { baseUrl: object.app.baseUrl, appId, appSecret: this.secrets.open(object.app.appSecretEncrypted, owner, 'app.appSecret') };
        return { webhookUrl: '', secret: undefined, webhookKey: appChatKey(appId, object.app.chatId), app: { lark, chatId: object.app.chatId } };
      }
      if (!object.webhookUrlEncrypted) return { error: `${object.id} has neither a webhook nor an app` };
      const webhookUrl = this.secrets.open(object.webhookUrlEncrypted, owner, 'webhookUrl');
      return {
        webhookUrl,
        secret: object.secretEncrypted ? this.secrets.open(object.secretEncrypted, owner, 'secret') : undefined,
        webhookKey: webhookKey(webhookUrl),
      };
    } catch (error) {
      return { error: `cannot unseal the webhook of ${object.id} (is ALERTLARK_SECRET_KEY the console's, and has the console migrated it?): ${String(error)}` };
    }
  }
}

function cardTarget(object: NotificationObjectConfig): CardTarget {
  return { name: object.name, keywords: object.keywords, ...(object.card ? { card: object.card } : {}) };
}

/** What Lark (or the network) said, cut short: a delivery event stays small whatever came back. */
const DETAIL_CHARS = 1_000;

function describe(result: LarkPostResult): AttemptDetail {
  if (result.kind === 'error') return { error: `${result.errorKind}: ${result.message}`.slice(0, DETAIL_CHARS) };
  return {
    httpStatus: result.httpStatus,
    ...(result.code !== undefined ? { larkCode: result.code } : {}),
    ...(result.msg !== undefined ? { larkMsg: result.msg.slice(0, DETAIL_CHARS) } : {}),
  };
}
