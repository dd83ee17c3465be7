import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreSchema1764200000000 } from '@lsc/event-sourcing';
import { MessagingModule } from '@lsc/messaging';
import { ServiceKitModule } from '@lsc/service-kit';
import type { NotificationConfig } from './config';
import { consumerController } from './consumers/consumer-controller';
import { NotificationHandlers } from './consumers/notification-handlers';
import { DeliveryWorker } from './deliveries/delivery-worker';
import { MailMetrics } from './deliveries/mail-metrics';
import { AdminController } from './http/admin.controller';
import { MAILER, SmtpMailer } from './mail';
import { NotificationSchema1764300000000 } from './migrations/1764300000000-notification-schema';
import { NotificationApplicationFacts1765100000000 } from './migrations/1765100000000-notification-application-facts';

@Module({})
export class AppModule {
  static register(config: NotificationConfig): DynamicModule {
    const topics = { identity: config.IDENTITY_TOPIC, membership: config.MEMBERSHIP_TOPIC, billing: config.BILLING_TOPIC };
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [EventStoreSchema1764200000000, NotificationSchema1764300000000, NotificationApplicationFacts1765100000000] }, redis: true, kafka: true }),
        MessagingModule.forRoot({ consumerGroup: config.KAFKA_CONSUMER_GROUP, consumedTopics: Object.values(topics) }),
      ],
      controllers: [consumerController(topics), AdminController],
      providers: [
        {
          provide: MAILER,
          useFactory: () =>
            new SmtpMailer({
              host: config.SMTP_HOST,
              port: config.SMTP_PORT,
              secure: config.SMTP_SECURE === 'true',
              auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
              from: config.MAIL_FROM,
              timeoutMs: config.SMTP_TIMEOUT_MS,
              poolConnections: config.SMTP_POOL_CONNECTIONS,
            }),
        },
        MailMetrics,
        NotificationHandlers,
        DeliveryWorker,
      ],
    };
  }
}
