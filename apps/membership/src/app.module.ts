import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreSchema1764200000000 } from '@lsc/event-sourcing';
import { MessagingModule } from '@lsc/messaging';
import { ServiceKitModule } from '@lsc/service-kit';
import type { MembershipConfig } from './config';
import { EventHandlers } from './consumers/event-handlers';
import { kafkaConsumersFor } from './consumers/kafka-consumers';
import { AdminController } from './http/admin.controller';
import { ApplicationsController } from './http/applications.controller';
import { MembershipsController } from './http/memberships.controller';
import { ReadModels } from './http/read-models';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { MembershipSchema1764400000000 } from './migrations/1764400000000-membership-schema';
import { FeeScheduleReadModel1765100000000 } from './migrations/1765100000000-fee-schedule-read-model';
import { FeesController } from './http/fees.controller';
import { myApplicationsProjection } from './projections/my-applications';
import { staffMembershipsProjection } from './projections/staff-memberships';
import { MEMBERSHIP_TOPICS, topicsFor } from './topics';
import { MembershipCommands } from './write/membership-commands';

@Module({})
export class AppModule {
  static register(config: MembershipConfig): DynamicModule {
    const topics = topicsFor(config);
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [EventStoreSchema1764200000000, MembershipSchema1764400000000, FeeScheduleReadModel1765100000000] }, redis: true, kafka: true }),
        MessagingModule.forRoot({
          consumerGroup: 'membership',
          consumedTopics: [topics.identity, topics.billing],
          projections: [myApplicationsProjection, staffMembershipsProjection],
        }),
      ],
      controllers: [ApplicationsController, FeesController, MembershipsController, AdminController, kafkaConsumersFor(topics)],
      providers: [{ provide: MEMBERSHIP_TOPICS, useValue: topics }, MembershipCommands, EventHandlers, ReadModels, LifecycleService],
    };
  }
}
