import { IsInt, IsString, Matches, Min } from 'class-validator';
import { join } from 'node:path';
import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';

const HTTP_URL = /^https?:\/\/[^/\s]+$/;
const URL_MESSAGE = { message: '必须是不带路径的 http(s):// 地址' };

export class GatewayConfig extends BaseServiceConfig {
  @Matches(HTTP_URL, URL_MESSAGE)
  IDENTITY_URL = 'http://127.0.0.1:3001';

  @Matches(HTTP_URL, URL_MESSAGE)
  MEMBERSHIP_URL = 'http://127.0.0.1:3002';

  @Matches(HTTP_URL, URL_MESSAGE)
  BILLING_URL = 'http://127.0.0.1:3003';

  @Matches(HTTP_URL, URL_MESSAGE)
  NOTIFICATION_URL = 'http://127.0.0.1:3004';

  /** Comma-separated browser origins allowed by CORS; empty allows none (same-origin deployment). */
  @IsString()
  CORS_ORIGINS = '';

  /** Comma-separated addresses of load balancers in front of the gateway whose X-Forwarded-For is believed. */
  @IsString()
  TRUSTED_PROXIES = '';

  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 300;

  @IsInt()
  @Min(100)
  UPSTREAM_TIMEOUT_MS = 10000;

  @IsInt()
  @Min(1000)
  OPENAPI_REFRESH_MS = 60000;

  /** The built institution portal (Vite output), served at `/`; by default next to the gateway's own build. */
  @IsString()
  PORTAL_DIR = join(__dirname, '..', 'portal');

  /** The built staff console, served at `/console/` when present. */
  @IsString()
  CONSOLE_DIR = join(__dirname, '..', 'console');
}

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(GatewayConfig, { SERVICE_NAME: 'gateway', HTTP_PORT: 3000 }, env);

export const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
