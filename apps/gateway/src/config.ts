import { IsInt, IsString, Matches, Min, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { BaseServiceConfig, DEVELOPMENT_CLIENT_IP_SECRET, loadConfig } from '@lsc/service-kit';

const HTTP_URL = /^https?:\/\/[^/\s]+$/;
const URL_MESSAGE = { message: '必须是不带路径的 http(s):// 地址' };

/** An IPv4/IPv6 address or CIDR range in its plain notation (proxy-addr also reads shorthand forms like `10.1`). */
export function isProxyEntry(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

@ValidatorConstraint({ name: 'proxyList' })
class ProxyListRule implements ValidatorConstraintInterface {
  validate = (value: unknown): boolean => typeof value === 'string' && splitList(value).every(isProxyEntry);
  defaultMessage = (): string => 'TRUSTED_PROXIES must list IP addresses or CIDR ranges (10.42.0.0/16), comma-separated';
}

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

  /**
   * Comma-separated addresses or CIDR ranges of the proxies in front of the gateway (the ingress controller's pods)
   * whose X-Forwarded-For hop is believed. Empty behind an ingress, every client would share the ingress's address.
   */
  @IsString()
  @Validate(ProxyListRule)
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

  @IsString()
  NODE_ENV = process.env.NODE_ENV ?? 'development';
}

/** Secrets whose development default must never reach production. */
export function assertProductionSecrets(config: GatewayConfig): void {
  if (config.NODE_ENV === 'production' && config.CLIENT_IP_SECRET === DEVELOPMENT_CLIENT_IP_SECRET) throw new Error('gateway: set CLIENT_IP_SECRET in production');
}

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(GatewayConfig, { SERVICE_NAME: 'gateway', HTTP_PORT: 3000 }, env);

export const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
