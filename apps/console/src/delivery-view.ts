import type { DeliveryView } from '@alertlark/contracts';
import type { DeliveryAuditRecord } from '@alertlark/persistence';

/** One attempt as the console shows it; what the attempt did not have is null, so every row has every field. */
export function deliveryView(record: DeliveryAuditRecord): DeliveryView {
  return {
    deliveryId: record._id,
    notificationId: record.notificationId,
    digestId: record.digestId ?? null,
    objectId: record.objectId,
    attempt: record.attempt,
    outcome: record.outcome,
    httpStatus: record.httpStatus ?? null,
    larkCode: record.larkCode ?? null,
    larkMsg: record.larkMsg ?? null,
    error: record.error ?? null,
    alertCount: record.alertCount,
    at: record.at.toISOString(),
    durationMs: record.durationMs,
  };
}
