import 'reflect-metadata';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { loadNotificationConfig } from './config';

async function main(): Promise<void> {
  const config = loadNotificationConfig();
  await bootstrapService(AppModule.register(config), config, {
    consumer: { groupId: config.KAFKA_CONSUMER_GROUP }, openApi: { title: 'notification', description: 'Notification — 电子发票与通知邮件' },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
