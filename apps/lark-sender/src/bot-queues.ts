import { Injectable } from '@nestjs/common';
import { isDailySummary, type LarkNotification, type NotificationEvent } from '@alertlark/contracts';
import type { QueuedNotification } from '@alertlark/lark';

/** A notification taken off Kafka and not finished yet. */
export interface InboxEntry {
  _id: string; // notificationId
  partition: number;
  /** Kafka offset it was read at: the partition is committed up to the oldest unfinished one. */
  offset: string;
  /**
   * The bot it waits for: its Kafka key, the key of its chatbot's webhook (`notificationKey`), or
   * its chatbot's id when it was keyed before webhook keys existed.
   */
  botKey: string;
  objectId: string;
  receivedAt: Date;
  notification: LarkNotification;
}

/**
 * One bot's share of this replica: what waits for it and what it may send. A bot is a Lark
 * webhook, which Lark limits whichever chatbot object posts to it, so its queue holds the
 * notifications of every chatbot on the webhook, under one budget.
 */
export interface BotQueue {
  botKey: string;
  partition: number;
  /** Oldest first. */
  entries: InboxEntry[];
  /** Its recent request instants; undefined until read from MongoDB after taking the bot over. */
  sentAt: number[] | undefined;
  /** No request before this (backoff after a failure or a rate-limit answer). */
  pausedUntil: number;
  /** Failed requests in a row, for the backoff. */
  failures: number;
  /** Requests each waiting notification has been part of. */
  attempts: Map<string, number>;
  inFlight: boolean;
}

/**
 * The unfinished notifications of the partitions this replica owns, per bot, in memory (Kafka
 * keeps them: offsets are committed only up to the oldest unfinished one). Notifications are keyed
 * by bot, so a bot lives on exactly one partition and one replica sends for it: that is what makes
 * its rate budget hold fleet-wide. A queue is known by its partition and bot key (`queueId`): a
 * notification replayed from the dead-letter topic comes back on its partition keyed by its
 * chatbot, and must not join a queue that another partition's assignment owns.
 */
@Injectable()
export class BotQueues {
  private readonly bots = new Map<string, BotQueue>();
  private owned: ReadonlySet<number> = new Set();
  /**
   * Bots with a request in flight, kept across assignments: a rebalance rebuilds the queues from
   * MongoDB while a request may still be out, and a bot must never have two requests at once.
   */
  private readonly sending = new Set<string>();
  /**
   * The request instants of bots whose queue ran empty, so the next burst starts from what was
   * really sent (counted from Lark's answers) rather than from the earlier instants saved in MongoDB.
   */
  private readonly idleSentAt = new Map<string, { partition: number; sentAt: number[] }>();
  /**
   * Takes a new assignment: forgets given-away partitions. What the owned ones hold comes again from
   * Kafka, which hands every assigned partition from its committed offset after a rebalance.
   */
  assign(partitions: ReadonlySet<number>): void {
    this.owned = partitions;
    for (const [id, bot] of this.bots) if (!partitions.has(bot.partition)) this.bots.delete(id);
    for (const [id, idle] of this.idleSentAt) if (!partitions.has(idle.partition)) this.idleSentAt.delete(id);
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Queues a notification for its bot; one already queued (a redelivery) is ignored. */
  add(entry: InboxEntry): void {
    if (!this.owned.has(entry.partition)) return;
    const id = queueId(entry);
    let bot = this.bots.get(id);
    if (!bot) {
      const idle = this.idleSentAt.get(id);
      this.idleSentAt.delete(id);
      bot = { botKey: entry.botKey, partition: entry.partition, entries: [], sentAt: idle?.sentAt, pausedUntil: 0, failures: 0, attempts: new Map(), inFlight: false };
      this.bots.set(id, bot);
    }
    if (bot.entries.some((queued) => queued._id === entry._id)) return;
    bot.entries.push(entry);
    bot.entries.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /** Takes finished notifications off their bot's queue; a bot left with nothing is forgotten. */
  remove(queue: Pick<BotQueue, 'partition' | 'botKey'>, notificationIds: readonly string[]): void {
    const bot = this.bots.get(queueId(queue));
    if (!bot) return;
    const done = new Set(notificationIds);
    bot.entries = bot.entries.filter((entry) => !done.has(entry._id));
    for (const id of done) bot.attempts.delete(id);
    if (bot.entries.length === 0 && !bot.inFlight) this.forget(bot);
  }

  /** Whether a request for this bot may start now. */
  canSend(bot: BotQueue): boolean {
    return !bot.inFlight && !this.sending.has(queueId(bot)) && this.owned.has(bot.partition);
  }

  begin(bot: BotQueue): void {
    bot.inFlight = true;
    this.sending.add(queueId(bot));
  }

  /**
   * Ends a bot's request. If the queues were rebuilt meanwhile, the bot's new queue takes over the
   * request instants this one knew; a bot left empty is forgotten.
   */
  settle(bot: BotQueue): void {
    bot.inFlight = false;
    this.sending.delete(queueId(bot));
    const current = this.bots.get(queueId(bot));
    if (current && current !== bot && bot.sentAt) {
      current.sentAt = [...new Set([...(current.sentAt ?? []), ...bot.sentAt])].sort((a, b) => a - b);
    }
    if (bot.entries.length === 0 && current === bot) this.forget(bot);
  }

  /** Drops an empty bot's queue, keeping its request instants while it still owns the partition. */
  private forget(bot: BotQueue): void {
    this.bots.delete(queueId(bot));
    if (bot.sentAt && bot.sentAt.length > 0 && this.owned.has(bot.partition)) {
      // Only the last minute matters; older instants can never count again.
      const recent = bot.sentAt.filter((at) => at > Date.now() - 120_000);
      if (recent.length > 0) this.idleSentAt.set(queueId(bot), { partition: bot.partition, sentAt: recent });
    }
  }

  get(partition: number, botKey: string): BotQueue | undefined {
    return this.bots.get(queueId({ partition, botKey }));
  }

  all(): BotQueue[] {
    return [...this.bots.values()];
  }

  pendingCount(): number {
    let count = 0;
    for (const bot of this.bots.values()) count += bot.entries.length;
    return count;
  }
}

function queueId(queue: Pick<BotQueue, 'partition' | 'botKey'>): string {
  return `${queue.partition}/${queue.botKey}`;
}

/**
 * An alert group as one chatbot's: chatbots on one webhook may be notified by one policy, of the
 * same groups, and each is told of them as if it had the webhook to itself (its cards, its digest
 * lines), so no notification speaks for another chatbot's.
 */
export function chatbotGroupKey(notification: NotificationEvent): string {
  return `${notification.objectId}\n${notification.groupKey}`;
}

/** What `planDispatch` needs to know of each entry, oldest first. */
export function queuedOf(entries: readonly InboxEntry[]): QueuedNotification[] {
  return entries.map(({ _id, receivedAt, notification }) => {
    if (isDailySummary(notification)) return { notificationId: _id, receivedAt: receivedAt.getTime() };
    // What someone did to the group's incident: a card of its own, never merged or superseded.
    if (notification.followUp) return { notificationId: _id, receivedAt: receivedAt.getTime(), groupKey: chatbotGroupKey(notification), replaceable: false, followUp: true };
    const resolved = notification.totals?.resolved ?? notification.alerts.filter((alert) => alert.status === 'resolved').length;
    // An escalation step's card @-mentions its people: the group's next card would not.
    const replaceable = notification.status === 'firing' && resolved === 0 && !notification.escalation;
    return { notificationId: _id, receivedAt: receivedAt.getTime(), groupKey: chatbotGroupKey(notification), replaceable };
  });
}
