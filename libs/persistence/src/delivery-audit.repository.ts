import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeliveryEvent, DeliveryOutcome } from '@alertlark/contracts';
import { DELIVERY_AUDIT_MODEL, type DeliveryAuditDocument } from './delivery-audit.schema';
import { insertOnce } from './insert-once';
import { deleteOlderThan } from './retention.sweeper';

export type DeliveryAuditRecord = DeliveryAuditDocument;

export interface DeliveryAuditFilter {
  objectId?: string;
  outcome?: DeliveryOutcome;
  notificationId?: string;
  /** The attempts of one digest card (a digest card's console link). */
  digestId?: string;
}

/** The stored form of a delivery event: optional fields the event leaves out stay out. */
export function deliveryAuditRecord(event: DeliveryEvent): DeliveryAuditRecord {
  return {
    _id: event.deliveryId,
    teamId: event.teamId,
    objectId: event.objectId,
    notificationId: event.notificationId,
    ...(event.digestId !== undefined ? { digestId: event.digestId } : {}),
    attempt: event.attempt,
    outcome: event.outcome,
    ...(event.httpStatus !== undefined ? { httpStatus: event.httpStatus } : {}),
    ...(event.larkCode !== undefined ? { larkCode: event.larkCode } : {}),
    ...(event.larkMsg !== undefined ? { larkMsg: event.larkMsg } : {}),
    ...(event.error !== undefined ? { error: event.error } : {}),
    alertCount: event.alertCount,
    at: new Date(event.at),
    durationMs: event.durationMs,
  };
}

/** The console's delivery audit; every read takes the team id, so a team sees only its own. */
@Injectable()
export class DeliveryAuditRepository {
  constructor(@InjectModel(DELIVERY_AUDIT_MODEL) private readonly deliveries: Model<DeliveryAuditDocument>) {}

  /** Records each attempt once, in one insert; a redelivered event (same deliveryId) is skipped. */
  async recordMany(records: readonly DeliveryAuditRecord[]): Promise<void> {
    await insertOnce(this.deliveries, records);
  }

  /** Newest first (ties by id, descending, so pages never overlap). */
  list(teamId: string, filter: DeliveryAuditFilter, page: { skip: number; limit: number }): Promise<DeliveryAuditRecord[]> {
    const query: Record<string, string> = { teamId };
    if (filter.objectId !== undefined) query['objectId'] = filter.objectId;
    if (filter.outcome !== undefined) query['outcome'] = filter.outcome;
    if (filter.notificationId !== undefined) query['notificationId'] = filter.notificationId;
    if (filter.digestId !== undefined) query['digestId'] = filter.digestId;
    return this.deliveries.find(query).sort({ at: -1, _id: -1 }).skip(page.skip).limit(page.limit).lean<DeliveryAuditRecord[]>().exec();
  }

  /** Deletes up to `limit` attempts from before `cutoff` (the retention sweeper's batch). */
  deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.deliveries, 'at', cutoff, limit);
  }

  async deleteAllOfTeam(teamId: string): Promise<void> {
    await this.deliveries.deleteMany({ teamId }).exec();
  }
}
