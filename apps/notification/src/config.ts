import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BILLING_TOPIC, IDENTITY_TOPIC, MEMBERSHIP_TOPIC } from '@lsc/contracts';
import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

export class NotificationConfig extends BaseServiceConfig {
  /** Production sets the real relay; the defaults point at tools/smtp-catcher (`npm start`). */
  @IsString() @MinLength(1) SMTP_HOST = '127.0.0.1';
  @IsInt() @Min(1) @Max(65535) SMTP_PORT = 1025;
  /** 'true' = implicit TLS (port 465); 'false' lets nodemailer upgrade with STARTTLS when offered. */
  @IsIn(['true', 'false']) SMTP_SECURE = 'false';
  @IsOptional() @IsString() SMTP_USER?: string = undefined; // initialised so loadConfig reads it from the environment
  @IsOptional() @IsString() SMTP_PASSWORD?: string = undefined;
  @IsString() @MinLength(3) MAIL_FROM = '中国图书馆学会 <noreply@lsc.org.cn>';
  @IsInt() @Min(1000) SMTP_TIMEOUT_MS = 15000;
  /** SMTP connections kept open and reused (0: one connection per mail). Mails beyond them wait for a free one. */
  @IsInt() @Min(0) @Max(50) SMTP_POOL_CONNECTIONS = 5;

  /**
   * Where members open the portal (the gateway's public address, e.g. https://member.lsc.org.cn): every mail's links
   * are built from it, deep-linking to the page the mail is about (templates/portal-links.ts).
   */
  @Matches(/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_BASE_URL 须为 http(s):// 地址（可带路径，不带查询）' }) PUBLIC_BASE_URL = 'http://127.0.0.1:3000';
  @IsString() CONTACT_PHONE = '010-88545141';
  @IsEmail() CONTACT_EMAIL = 'member@lsc.org.cn';

  /** Kafka consumer group (and inbox name); separate test processes use their own. */
  @IsString() @MinLength(1) KAFKA_CONSUMER_GROUP = 'notification';

  /** Topics are configurable only so tests can use their own; production keeps the contract names. */
  @IsString() IDENTITY_TOPIC = IDENTITY_TOPIC;
  @IsString() MEMBERSHIP_TOPIC = MEMBERSHIP_TOPIC;
  @IsString() BILLING_TOPIC = BILLING_TOPIC;

  /** Delivery worker. */
  @IsIn(['on', 'off']) DELIVERY_WORKER = 'on';
  @IsInt() @Min(50) DELIVERY_POLL_MS = 1000;
  /** Most mails in flight at once (also the most claimed in one query); beyond SMTP_POOL_CONNECTIONS they queue for a session. */
  @IsInt() @Min(1) @Max(100) DELIVERY_BATCH = 10;
  /**
   * How long a claimed delivery belongs to the worker that claimed it. Must exceed the longest possible SMTP send,
   * otherwise a slow but successful send could be repeated by another worker: 3 × SMTP_TIMEOUT_MS per send, times
   * ceil(DELIVERY_BATCH / SMTP_POOL_CONNECTIONS) sends a queued mail may wait behind (90 s with the defaults).
   * Not enforced, because the fault specs shorten the lease on purpose to make it run out.
   */
  @IsInt() @Min(1000) DELIVERY_LEASE_MS = 120000;
  @IsInt() @Min(1) DELIVERY_MAX_ATTEMPTS = 12;
  @IsInt() @Min(10) DELIVERY_BACKOFF_BASE_MS = 5000;
  @IsInt() @Min(10) DELIVERY_BACKOFF_MAX_MS = 3600000;

  /** Test-only fault injection: 'after_claim' SIGKILLs the process right after a claim commits. Never set in production. */
  @IsIn(['', 'after_claim', 'after_send']) NOTIFICATION_FAULT = '';
}

export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig =>
  loadConfig(NotificationConfig, { SERVICE_NAME: 'notification', HTTP_PORT: 3004, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/notification' }, env);
