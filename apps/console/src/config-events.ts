import { EVENTS, configEventKey, type ConfigEvent } from '@alertlark/contracts';
import type { EventPublisher } from '@alertlark/kafka';

/**
 * Publishes one configuration change under its compacted key. Callers publish after their
 * MongoDB write, so what the topic says always exists in the console's database too.
 */
export function publishConfig(publisher: EventPublisher, event: ConfigEvent): Promise<void> {
  return publisher.publish(EVENTS.config, [{ key: configEventKey(event), value: event }]);
}
