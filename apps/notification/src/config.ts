import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

export class NotificationConfig extends BaseServiceConfig {}

export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig =>
  loadConfig(NotificationConfig, { SERVICE_NAME: 'notification', HTTP_PORT: 3004, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/notification' }, env);
