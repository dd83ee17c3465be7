import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { defineContract } from '../contract';

export const NOTIFICATION_TOPIC = 'notification.events.v1';

export class NotificationDeliveredV1 {
  @IsUUID() notificationId!: string;
  @IsOptional() @IsUUID() institutionId?: string;
  @IsString() @MaxLength(100) template!: string;
  @IsEmail() recipient!: string;
  @IsIn(['sent', 'failed']) outcome!: 'sent' | 'failed';
  @IsOptional() @IsString() @MaxLength(1000) error?: string;
  @IsString() @MaxLength(100) causedByEventId!: string;
  @IsISO8601() at!: string;
}

export const NotificationDelivered = defineContract({
  type: 'notification.NotificationDelivered',
  schemaVersion: 1,
  topic: NOTIFICATION_TOPIC,
  payload: NotificationDeliveredV1,
  example: {
    notificationId: '8d1d2e3f-8888-4a55-9f77-2d1c1f7f0a10',
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    template: 'invoice-issued',
    recipient: 'lib@example.cn',
    outcome: 'sent',
    causedByEventId: '7c1d2e3f-7777-4a55-9f77-2d1c1f7f0a09',
    at: '2026-09-03T02:00:06.000Z',
  },
});

export const notificationContracts = [NotificationDelivered] as const;
