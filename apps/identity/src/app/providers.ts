import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { CommandHandler, PostgresEventStore } from '@lsc/event-sourcing';
import { PG_POOL } from '@lsc/messaging';
import { CONFIG, LOGGER, REDIS } from '@lsc/service-kit';
import {
  AccessTokenIssuer,
  CaptchaService,
  CredentialChecker,
  createSmsSender,
  DEFAULT_LOGIN_THROTTLE,
  DEFAULT_REFRESH_TOKEN_CONFIG,
  DEFAULT_SMS_CODE_LIMITS,
  LoginThrottle,
  loadSigningKey,
  PasswordHasher,
  RefreshTokenStore,
  SMS_PURPOSES,
  SmsCodeService,
  type SigningKey,
  type SmsPurpose,
} from '../auth';
import type { IdentityConfig } from '../config';
import { accountDecider } from '../domain/account';
import { institutionDecider } from '../domain/institution';
import { accountIntegrationEvents, institutionIntegrationEvents } from '../domain/integration-events';
import { AccountsRepository } from '../infra/accounts.repository';

export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const INSTITUTION_HANDLER = Symbol('INSTITUTION_HANDLER');
export const ACCOUNT_HANDLER = Symbol('ACCOUNT_HANDLER');

export type InstitutionHandler = CommandHandler<Parameters<typeof institutionDecider.decide>[0], ReturnType<typeof institutionDecider.initialState>, Parameters<typeof institutionDecider.evolve>[1]>;
export type AccountHandler = CommandHandler<Parameters<typeof accountDecider.decide>[0], ReturnType<typeof accountDecider.initialState>, Parameters<typeof accountDecider.evolve>[1]>;

function smsSenderConfig(config: IdentityConfig) {
  if (config.SMS_PROVIDER === 'aliyun') {
    const templateCodes = JSON.parse(config.ALIYUN_SMS_TEMPLATE_CODES ?? '{}') as Record<SmsPurpose, string>;
    const missing = SMS_PURPOSES.filter((p) => !templateCodes[p]);
    if (!config.ALIYUN_SMS_ACCESS_KEY_ID || !config.ALIYUN_SMS_ACCESS_KEY_SECRET || !config.ALIYUN_SMS_SIGN_NAME || missing.length > 0) {
      throw new Error(`identity: SMS_PROVIDER=aliyun needs ALIYUN_SMS_ACCESS_KEY_ID/SECRET, SIGN_NAME and template codes for ${SMS_PURPOSES.join(', ')}`);
    }
    return { provider: 'aliyun' as const, accessKeyId: config.ALIYUN_SMS_ACCESS_KEY_ID, accessKeySecret: config.ALIYUN_SMS_ACCESS_KEY_SECRET, signName: config.ALIYUN_SMS_SIGN_NAME, templateCodes };
  }
  return { provider: 'local' as const, outboxFile: join(config.SMS_OUTBOX_DIR, 'sms-outbox.jsonl'), logCodes: true };
}

export const smsOutboxFile = (config: IdentityConfig): string => join(config.SMS_OUTBOX_DIR, 'sms-outbox.jsonl');

/** Wires the finished auth building blocks (apps/identity/src/auth) and the write side to Nest. */
export const identityProviders: Provider[] = [
  { provide: CaptchaService, useFactory: (redis: Redis, c: IdentityConfig) => new CaptchaService(redis, { keyPrefix: c.REDIS_KEY_PREFIX, ttlMs: c.CAPTCHA_TTL_SECONDS * 1000 }), inject: [REDIS, CONFIG] },
  {
    provide: SmsCodeService,
    useFactory: async (redis: Redis, c: IdentityConfig, logger: Logger) =>
      new SmsCodeService(redis, await createSmsSender(smsSenderConfig(c), c.NODE_ENV, logger), {
        keyPrefix: c.REDIS_KEY_PREFIX,
        pepper: c.SMS_CODE_PEPPER,
        ...DEFAULT_SMS_CODE_LIMITS,
        dailyBudgetPerNumber: c.SMS_DAILY_BUDGET_PER_NUMBER,
        dailyBudgetPerPrefix: c.SMS_DAILY_BUDGET_PER_PREFIX,
        dailyBudgetGlobal: c.SMS_DAILY_BUDGET_GLOBAL,
      }),
    inject: [REDIS, CONFIG, LOGGER],
  },
  { provide: PasswordHasher, useValue: new PasswordHasher() },
  { provide: CredentialChecker, useFactory: (hasher: PasswordHasher) => CredentialChecker.create(hasher), inject: [PasswordHasher] },
  {
    provide: SIGNING_KEY,
    useFactory: (c: IdentityConfig) => loadSigningKey({
        privateKeyPem: c.JWT_PRIVATE_KEY_PEM,
        devKeyFile: join(c.LSC_DATA_DIR, 'keys', 'jwt-ed25519.pem'),
        nodeEnv: c.NODE_ENV,
        nextKeyPem: c.JWT_NEXT_KEY_PEM,
        previousKeyPem: c.JWT_PREVIOUS_KEY_PEM,
      }),
    inject: [CONFIG],
  },
  {
    provide: AccessTokenIssuer,
    useFactory: (key: SigningKey, c: IdentityConfig) => new AccessTokenIssuer(key, { issuer: c.JWT_ISSUER, audience: c.JWT_AUDIENCE, ttlSeconds: c.ACCESS_TOKEN_TTL_SECONDS }),
    inject: [SIGNING_KEY, CONFIG],
  },
  { provide: RefreshTokenStore, useFactory: (redis: Redis, c: IdentityConfig) => new RefreshTokenStore(redis, { keyPrefix: c.REDIS_KEY_PREFIX, ...DEFAULT_REFRESH_TOKEN_CONFIG }), inject: [REDIS, CONFIG] },
  { provide: LoginThrottle, useFactory: (redis: Redis, c: IdentityConfig) => new LoginThrottle(redis, { keyPrefix: c.REDIS_KEY_PREFIX, ...DEFAULT_LOGIN_THROTTLE }), inject: [REDIS, CONFIG] },
  { provide: AccountsRepository, useFactory: (pool: Pool) => new AccountsRepository(pool), inject: [PG_POOL] },
  {
    provide: INSTITUTION_HANDLER,
    useFactory: (store: PostgresEventStore) => new CommandHandler({ decider: institutionDecider, store, toIntegrationEvents: institutionIntegrationEvents }),
    inject: [PostgresEventStore],
  },
  {
    provide: ACCOUNT_HANDLER,
    useFactory: (store: PostgresEventStore) => new CommandHandler({ decider: accountDecider, store, toIntegrationEvents: accountIntegrationEvents }),
    inject: [PostgresEventStore],
  },
];
