import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NOTIFICATION_OBJECT_MODEL, notificationObjectSchema } from './notification-object.schema';
import { NotificationObjectRepository } from './notification-object.repository';
import { NOTIFICATION_POLICY_MODEL, notificationPolicySchema } from './notification-policy.schema';
import { NotificationPolicyRepository } from './notification-policy.repository';
import { INHIBITION_RULE_MODEL, inhibitionRuleSchema } from './inhibition-rule.schema';
import { InhibitionRuleRepository } from './inhibition-rule.repository';
import { SILENCE_MODEL, silenceSchema } from './silence.schema';
import { SilenceRepository } from './silence.repository';
import { TEAM_MODEL, teamSchema } from './team.schema';
import { TeamRepository } from './team.repository';
import { DELIVERY_AUDIT_MODEL, deliveryAuditSchema } from './delivery-audit.schema';
import { DeliveryAuditRepository } from './delivery-audit.repository';
import { ALERT_GROUP_ACTION_MODEL, ALERT_GROUP_MODEL, USED_ACTION_LINK_MODEL, alertGroupActionSchema, alertGroupSchema, usedActionLinkSchema } from './alert-group.schema';
import { AlertGroupRepository } from './alert-group.repository';
import { CONFIG_PUBLISHER_LEASE_MODEL, configPublisherLeaseSchema } from './config-publisher-lease.schema';
import { ConfigPublisherLeaseRepository } from './config-publisher-lease.repository';

/**
 * The console's own data: teams, chatbots, policies, silences, inhibition rules, the delivery
 * audit it projects from `alertlark.deliveries.v1`, and alert groups with their actions (projected
 * from policy-router's changelog and `alertlark.actions.v1`). Needs
 * MongooseModule.forRoot in the app.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TEAM_MODEL, schema: teamSchema },
      { name: NOTIFICATION_OBJECT_MODEL, schema: notificationObjectSchema },
      { name: NOTIFICATION_POLICY_MODEL, schema: notificationPolicySchema },
      { name: SILENCE_MODEL, schema: silenceSchema },
      { name: INHIBITION_RULE_MODEL, schema: inhibitionRuleSchema },
      { name: DELIVERY_AUDIT_MODEL, schema: deliveryAuditSchema },
      { name: ALERT_GROUP_MODEL, schema: alertGroupSchema },
      { name: ALERT_GROUP_ACTION_MODEL, schema: alertGroupActionSchema },
      { name: USED_ACTION_LINK_MODEL, schema: usedActionLinkSchema },
      { name: CONFIG_PUBLISHER_LEASE_MODEL, schema: configPublisherLeaseSchema },
    ]),
  ],
  providers: [TeamRepository, NotificationObjectRepository, NotificationPolicyRepository, SilenceRepository, InhibitionRuleRepository, DeliveryAuditRepository, AlertGroupRepository, ConfigPublisherLeaseRepository],
  exports: [TeamRepository, NotificationObjectRepository, NotificationPolicyRepository, SilenceRepository, InhibitionRuleRepository, DeliveryAuditRepository, AlertGroupRepository, ConfigPublisherLeaseRepository],
})
export class ConsoleDataModule {}
