import { Inject, Injectable, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, type AlertEvent } from '@alertlark/contracts';
import { MessageTooLargeError, ProduceBacklogFullError, ProduceBatcher, alertPartition } from '@alertlark/kafka';
import { counter } from '@alertlark/service-kit';

/** How long a request waits for Kafka's acknowledgement before it is answered 503 (INGEST_PUBLISH_TIMEOUT_MS). */
export const PUBLISH_TIMEOUT_MS = Symbol('PUBLISH_TIMEOUT_MS');

class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
}

/**
 * Puts a request's alerts on `alertlark.alerts.v1` and resolves once Kafka acknowledged every one
 * (acks from all in-sync replicas). Requests arriving together share produce requests (the
 * batcher's linger); a request larger than one produce request goes in several, in order, and is
 * answered once all are acknowledged. A failed send fails the requests in it, which the caller answers 503.
 *
 * A 503 may come after part of a request was written (a later chunk failed, or the deadline passed
 * with the send still under way). The client retries the whole request, so those alerts are
 * published twice, with new event ids: the same as a webhook Alertmanager re-sends, which the
 * router treats as a repeat that changes nothing (planAlertChange).
 */
@Injectable()
export class AcceptAlerts {
  private readonly accepted: Counter;
  private readonly refused: Counter;
  private readonly timedOut: Counter;

  constructor(
    private readonly batcher: ProduceBatcher,
    @Inject(Registry) registry: Registry,
    @Inject(PUBLISH_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {
    this.accepted = counter(registry, 'alertlark_ingest_alerts_total', 'Alerts accepted and published', ['source', 'status']);
    this.refused = counter(registry, 'alertlark_ingest_backlog_refusals_total', 'Requests answered 503 because too many alerts were waiting for Kafka', []);
    this.timedOut = counter(registry, 'alertlark_ingest_publish_timeouts_total', 'Requests answered 503 because Kafka did not acknowledge them in time', []);
  }

  /** `events` come from the intake (libs/routing), whose output satisfies the event contract by construction. */
  async accept(teamId: string, events: readonly AlertEvent[]): Promise<{ accepted: number }> {
    // Alerts are partitioned by team (their key stays team/fingerprint): one partition's owner holds a team.
    const partition = alertPartition(teamId);
    const messages = events.map((event) => ({ key: `${teamId}/${event.fingerprint}`, value: event, partition }));
    try {
      await this.withinTimeout(this.batcher.add([{ contract: EVENTS.alerts, events: messages, valid: true }]));
    } catch (error) {
      if (error instanceof MessageTooLargeError) throw tooLarge(error, events);
      if (error instanceof PublishTimeoutError) {
        this.timedOut.inc();
        throw new ServiceUnavailableException({ error: 'unavailable', message: error.message });
      }
      if (!(error instanceof ProduceBacklogFullError)) throw error;
      this.refused.inc();
      throw new ServiceUnavailableException({ error: 'unavailable', message: `ingest is waiting for Kafka to take earlier alerts (${error.message})` });
    }
    this.count(events);
    return { accepted: events.length };
  }

  /** The send itself goes on after a timeout: what it writes is what a retry repeats, harmlessly (above). */
  private withinTimeout(send: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(`Kafka did not acknowledge the alerts within ${this.timeoutMs} ms; retry later`)), this.timeoutMs);
    });
    send.catch(() => undefined);
    return Promise.race([send, timeout]).finally(() => clearTimeout(timer));
  }

  private count(events: readonly AlertEvent[]): void {
    const counts = new Map<string, number>();
    for (const event of events) counts.set(`${event.source} ${event.status}`, (counts.get(`${event.source} ${event.status}`) ?? 0) + 1);
    for (const [labels, count] of counts) {
      const [source, status] = labels.split(' ');
      this.accepted.inc({ source, status }, count);
    }
  }
}

/**
 * 413 naming the alert no Kafka message can hold. The error names its key (team/fingerprint);
 * of the alerts under that key (the same labels may come twice), the largest is the one.
 */
function tooLarge(error: MessageTooLargeError, events: readonly AlertEvent[]): PayloadTooLargeException {
  let index = -1;
  let largest = -1;
  events.forEach((event, at) => {
    if (error.key !== `${event.teamId}/${event.fingerprint}`) return;
    const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
    if (bytes > largest) [index, largest] = [at, bytes];
  });
  return new PayloadTooLargeException({
    error: 'payload_too_large',
    message: `alerts.${index}: the alert takes ${error.bytes} bytes as an event, over the ${error.limit} bytes one Kafka message holds; shorten its annotations`,
  });
}
