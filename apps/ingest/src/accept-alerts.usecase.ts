import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, type AlertEvent } from '@alertlark/contracts';
import { ProduceBacklogFullError, ProduceBatcher, alertPartition } from '@alertlark/kafka';
import { counter } from '@alertlark/service-kit';

/**
 * Puts a request's alerts on `alertlark.alerts.v1` and resolves once Kafka acknowledged every one
 * (acks from all in-sync replicas). Requests arriving together share produce requests (the
 * batcher's linger); a failed send fails the requests in it, which the caller answers 503.
 */
@Injectable()
export class AcceptAlerts {
  private readonly accepted: Counter;
  private readonly refused: Counter;

  constructor(
    private readonly batcher: ProduceBatcher,
    @Inject(Registry) registry: Registry,
  ) {
    this.accepted = counter(registry, 'alertlark_ingest_alerts_total', 'Alerts accepted and published', ['source', 'status']);
    this.refused = counter(registry, 'alertlark_ingest_backlog_refusals_total', 'Requests answered 503 because too many alerts were waiting for Kafka', []);
  }

  /** `events` come from the intake (libs/routing), whose output satisfies the event contract by construction. */
  async accept(teamId: string, events: readonly AlertEvent[]): Promise<{ accepted: number }> {
    // Alerts are partitioned by team (their key stays team/fingerprint): one partition's owner holds a team.
    const partition = alertPartition(teamId);
    const messages = events.map((event) => ({ key: `${teamId}/${event.fingerprint}`, value: event, partition }));
    try {
      await this.batcher.add([{ contract: EVENTS.alerts, events: messages, valid: true }]);
    } catch (error) {
      if (!(error instanceof ProduceBacklogFullError)) throw error;
      this.refused.inc();
      throw new ServiceUnavailableException({ error: 'unavailable', message: `ingest is waiting for Kafka to take earlier alerts (${error.message})` });
    }
    this.count(events);
    return { accepted: events.length };
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
