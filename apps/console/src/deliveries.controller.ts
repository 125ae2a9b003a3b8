import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { DeliveryAuditRepository } from '@alertlark/persistence';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { parseDeliveriesQuery } from './deliveries.query';
import { deliveryView } from './delivery-view';
import { validationFailed } from './validation';

/**
 * Read-only audit of lark-sender's attempts, projected from `alertlark.deliveries.v1` by the
 * DeliveriesConsumer. Scoped by the token's team: another team's chatbot id finds nothing.
 */
@Controller('api/v1/deliveries')
@UseGuards(TeamGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryAuditRepository) {}

  @Get()
  async list(@Req() request: ConsoleRequest, @Query() rawQuery: unknown) {
    const parsed = parseDeliveriesQuery(rawQuery);
    if (!parsed.ok) throw validationFailed(parsed.issues);
    const { page, pageSize, ...filter } = parsed.value;
    // One row more than the page says whether another page follows, without counting (a count
    // is a second scan on FerretDB).
    const records = await this.deliveries.list(request.team!._id, filter, { skip: (page - 1) * pageSize, limit: pageSize + 1 });
    return { items: records.slice(0, pageSize).map(deliveryView), page, pageSize, hasMore: records.length > pageSize };
  }
}
