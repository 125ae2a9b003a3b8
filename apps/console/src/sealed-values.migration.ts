import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventPublisher } from '@alertlark/kafka';
import { NotificationObjectRepository, type NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { JsonLogger } from '@alertlark/service-kit';
import { configEventOf, publishConfig } from './config-events';
import { resealPlan } from './sealed-fields';

const EVENTS_PER_PUBLISH = 500;

/**
 * Seals again, bound to their row, the chatbot values written before values were bound (the old
 * `v1.` format, which lark-sender no longer opens), once at start-up: Nest runs this before any
 * bootstrap hook, so before the config resync's first pass and before the API listens. Idempotent:
 * a row already migrated is left alone. The migrated rows are republished at once; if that fails,
 * the config resync's first pass (every row) publishes them.
 */
@Injectable()
export class SealedValuesMigration implements OnModuleInit {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly publisher: EventPublisher,
    private readonly secrets: SecretBox,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.run();
  }

  /** One pass over every chatbot row: how many were sealed again, and how many have a value that does not open. */
  async run(): Promise<{ migrated: number; unreadable: number }> {
    const migrated: NotificationObjectRecord[] = [];
    let unreadable = 0;
    for (const record of await this.objects.changedSince(null)) {
      const plan = resealPlan(record, this.secrets);
      if (plan.kind === 'unreadable') {
        unreadable++;
        this.logger.event('warn', 'sealed value not migrated: it does not open; save the chatbot again', { objectId: record._id, teamId: record.teamId, reason: plan.reason });
      }
      if (plan.kind !== 'reseal') continue;
      // Null: the row was edited or deleted since it was read, and its writer published it.
      const now = await this.objects.replaceSealed(record.teamId, record._id, plan.read, plan.sealed);
      if (now) migrated.push(now);
    }
    if (migrated.length > 0 || unreadable > 0) this.logger.event('info', 'sealed values migrated', { migrated: migrated.length, unreadable });
    try {
      for (let start = 0; start < migrated.length; start += EVENTS_PER_PUBLISH) {
        await publishConfig(this.publisher, ...migrated.slice(start, start + EVENTS_PER_PUBLISH).map((record) => configEventOf.object(record, this.secrets)));
      }
    } catch (error) {
      this.logger.event('warn', 'migrated chatbots not republished; the config resync will', { error: String(error) });
    }
    return { migrated: migrated.length, unreadable };
  }
}
