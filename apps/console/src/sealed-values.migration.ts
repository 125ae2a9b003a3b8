import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NotificationObjectRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { JsonLogger } from '@alertlark/service-kit';
import { resealPlan } from './sealed-fields';

/**
 * Seals again, bound to their row, the chatbot values written before values were bound (the old
 * `v1.` format, which lark-sender no longer opens), once at start-up: Nest runs this before any
 * bootstrap hook, so before the config publisher's first pass and before the API listens.
 * Idempotent: a row already migrated is left alone. A migrated row is a write like any other, which
 * the config outbox publishes again.
 */
@Injectable()
export class SealedValuesMigration implements OnModuleInit {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly secrets: SecretBox,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.run();
  }

  /** One pass over every chatbot row: how many were sealed again, and how many have a value that does not open. */
  async run(): Promise<{ migrated: number; unreadable: number }> {
    let migrated = 0;
    let unreadable = 0;
    for (const record of await this.objects.allLive()) {
      const plan = resealPlan(record, this.secrets);
      if (plan.kind === 'unreadable') {
        unreadable++;
        this.logger.event('warn', 'sealed value not migrated: it does not open; save the chatbot again', { objectId: record._id, teamId: record.teamId, reason: plan.reason });
      }
      if (plan.kind !== 'reseal') continue;
      // Null: the row was edited or deleted since it was read, and its writer published it.
      const now = await this.objects.replaceSealed(record.teamId, record._id, plan.read, plan.sealed);
      if (now) migrated++;
    }
    if (migrated > 0 || unreadable > 0) this.logger.event('info', 'sealed values migrated', { migrated, unreadable });
    return { migrated, unreadable };
  }
}
