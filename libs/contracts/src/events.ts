import type { z } from 'zod';
import { actionEventSchema } from './action.event';
import { alertEventSchema } from './alert.event';
import { configEventSchema } from './config.event';
import { deadLetterEventSchema } from './dead-letter.event';
import { deliveryEventSchema } from './delivery.event';
import { alertHistoryEventSchema, routerStateSchema } from './router-state.event';
import { larkNotificationSchema } from './lark-notification';
import { TOPICS } from './topics';

/** A topic and the schema of its values: what producers parse before sending and consumers after receiving. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly topic: string;
  readonly schema: S;
  /** Partitions created when the topic does not exist yet. */
  readonly partitions: number;
  /** Compacted topics keep the latest value per key (configuration). */
  readonly compacted?: boolean;
}

export const EVENTS = {
  alerts: { topic: TOPICS.alerts, schema: alertEventSchema, partitions: 12 },
  notifications: { topic: TOPICS.notifications, schema: larkNotificationSchema, partitions: 6 },
  deliveries: { topic: TOPICS.deliveries, schema: deliveryEventSchema, partitions: 6 },
  config: { topic: TOPICS.config, schema: configEventSchema, partitions: 1, compacted: true },
  deadLetter: { topic: TOPICS.deadLetter, schema: deadLetterEventSchema, partitions: 1 },
  alertHistory: { topic: TOPICS.alertHistory, schema: alertHistoryEventSchema, partitions: 6 },
  /** Co-partitioned with `alerts` (a group's actions on its team's partition): the router that owns a team's groups decides their actions. */
  actions: { topic: TOPICS.actions, schema: actionEventSchema, partitions: 12 },
} as const satisfies Record<string, EventContract>;

/**
 * policy-router's changelog, one per deployment like its consumer groups (Kafka Streams names its
 * changelogs after the application id): two deployments, or two test runs, on one Kafka cluster
 * must never restore each other's state. Co-partitioned with `alerts`: partition p holds the
 * state of alerts partition p.
 */
export function routerStateContract(consumerGroupPrefix: string) {
  return { topic: `${consumerGroupPrefix}.router-state.v1`, schema: routerStateSchema, partitions: EVENTS.alerts.partitions, compacted: true } as const satisfies EventContract;
}
