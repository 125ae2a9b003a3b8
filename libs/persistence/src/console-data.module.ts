import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NOTIFICATION_OBJECT_MODEL, notificationObjectSchema } from './notification-object.schema';
import { NotificationObjectRepository } from './notification-object.repository';
import { NOTIFICATION_POLICY_MODEL, notificationPolicySchema } from './notification-policy.schema';
import { NotificationPolicyRepository } from './notification-policy.repository';
import { TEAM_MODEL, teamSchema } from './team.schema';
import { TeamRepository } from './team.repository';

/** The console's own data: teams, chatbots, policies. Needs MongooseModule.forRoot in the app. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TEAM_MODEL, schema: teamSchema },
      { name: NOTIFICATION_OBJECT_MODEL, schema: notificationObjectSchema },
      { name: NOTIFICATION_POLICY_MODEL, schema: notificationPolicySchema },
    ]),
  ],
  providers: [TeamRepository, NotificationObjectRepository, NotificationPolicyRepository],
  exports: [TeamRepository, NotificationObjectRepository, NotificationPolicyRepository],
})
export class ConsoleDataModule {}
