import { Injectable } from '@nestjs/common';
import { Registry, type Counter } from 'prom-client';
import type { DeliveryEvent } from '@alertlark/contracts';
import { DeliveryAuditRepository, deliveryAuditRecord } from '@alertlark/persistence';
import { counter } from '@alertlark/service-kit';

/** Writes delivery events into the console's audit, one insert for all; a redelivered event changes nothing. */
@Injectable()
export class ProjectDeliveryUseCase {
  private readonly projected: Counter;

  constructor(
    private readonly deliveries: DeliveryAuditRepository,
    registry: Registry,
  ) {
    this.projected = counter(registry, 'alertlark_console_deliveries_projected_total', 'Delivery events written to the console audit, by outcome', ['outcome']);
  }

  async execute(events: readonly DeliveryEvent[]): Promise<void> {
    await this.deliveries.recordMany(events.map(deliveryAuditRecord));
    for (const event of events) this.projected.inc({ outcome: event.outcome });
  }
}
