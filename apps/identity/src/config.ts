import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseServiceConfig, DEVELOPMENT_CLIENT_IP_SECRET, loadConfig } from '@lsc/service-kit';

export class IdentityConfig extends BaseServiceConfig {
  /** Where the service keeps files of its own (the development JWT key). */
  @IsString()
  LSC_DATA_DIR = '.var/data';

  /** The local SMS sender writes `sms-outbox.jsonl` here; tests and the e2e suite read codes from it. */
  @IsString()
  SMS_OUTBOX_DIR = '.var/sms';

  @IsIn(['local', 'aliyun'])
  SMS_PROVIDER = 'local';

  @IsOptional() @IsString() ALIYUN_SMS_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() ALIYUN_SMS_ACCESS_KEY_SECRET?: string;
  @IsOptional() @IsString() ALIYUN_SMS_SIGN_NAME?: string;
  /** JSON object purpose → approved template code, e.g. {"register":"SMS_1",…}. */
  @IsOptional() @IsString() ALIYUN_SMS_TEMPLATE_CODES?: string;

  /**
   * HMAC secret for stored SMS codes. The default only serves development and tests; production refuses to start
   * with it (see assertProductionSecrets).
   */
  @IsString()
  @MinLength(32)
  SMS_CODE_PEPPER = 'development-only-sms-pepper-change-me-0000';

  /**
   * Key that encrypts the staff TOTP secrets at rest (AES-256-GCM; any string of 32+ characters, hashed to the key).
   * The default only serves development and tests; production refuses to start with it.
   */
  @IsString()
  @MinLength(32)
  STAFF_TOTP_KEY = 'development-only-totp-key-change-me-000000';

  /**
   * Staff roles that get no session without the second factor (TOTP). Production refuses a list without finance and
   * super_admin; scripted test stacks that sign in many times a minute may set it empty.
   */
  @IsString()
  @Matches(/^(?:(?:finance|member_admin|super_admin)(?:,(?:finance|member_admin|super_admin))*)?$/, { message: 'STAFF_TWO_FACTOR_ROLES must be a comma-separated list of finance, member_admin, super_admin' })
  STAFF_TWO_FACTOR_ROLES = 'finance,super_admin';

  /** PKCS#8 PEM of the Ed25519 signing key; without it a development key is generated under LSC_DATA_DIR. */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY_PEM?: string;

  /**
   * Key rotation (deploy/README.md): the next key, published in the JWKS before it signs, and the previous one, still
   * published while the tokens it signed live. PEM of the private or the public half; only the public one is read.
   */
  @IsOptional()
  @IsString()
  JWT_NEXT_KEY_PEM?: string;

  @IsOptional()
  @IsString()
  JWT_PREVIOUS_KEY_PEM?: string;

  /**
   * argon2 threads: libuv's pool, which libuv itself reads from the environment when the pool starts (threadpool.ts
   * sets the default before that). Declared here so a bad value stops the start instead of being silently ignored.
   */
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,2}|10[01]\d|102[0-4])$/, { message: 'UV_THREADPOOL_SIZE must be a whole number from 1 to 1024' })
  UV_THREADPOOL_SIZE?: string;

  @IsInt()
  @Min(60)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** How long a captcha may be answered (single use, bound to its form); 2–5 minutes is the range a person needs. */
  @IsInt()
  @Min(30)
  @Max(300)
  CAPTCHA_TTL_SECONDS = 120;

  /**
   * Daily SMS budgets (China calendar day): text messages are paid, so sends stop at these counts whatever the
   * hourly throttles allow. Per number; per number prefix (the first 7 digits, one operator's block in one city —
   * a run through a block of numbers stays under every per-number limit); and for the whole service.
   */
  @IsInt()
  @Min(1)
  SMS_DAILY_BUDGET_PER_NUMBER = 10;

  @IsInt()
  @Min(1)
  SMS_DAILY_BUDGET_PER_PREFIX = 200;

  @IsInt()
  @Min(1)
  SMS_DAILY_BUDGET_GLOBAL = 20_000;

  /** Version of 《中国图书馆学会用户注册协议》 the registration page shows; recorded with each consent. */
  @IsString()
  REGISTRATION_AGREEMENT_VERSION = '2024-01';

  /** Prefix of every Redis key this service writes, so services sharing one Redis never collide. */
  @IsString()
  REDIS_KEY_PREFIX = 'identity:';

  @IsString()
  NODE_ENV = process.env.NODE_ENV ?? 'development';
}

const DEV_PEPPER = new IdentityConfig().SMS_CODE_PEPPER;
const DEV_TOTP_KEY = new IdentityConfig().STAFF_TOTP_KEY;

export function assertProductionSecrets(config: IdentityConfig): void {
  if (config.NODE_ENV !== 'production') return;
  if (config.SMS_CODE_PEPPER === DEV_PEPPER) throw new Error('identity: set SMS_CODE_PEPPER in production');
  if (config.CLIENT_IP_SECRET === DEVELOPMENT_CLIENT_IP_SECRET) throw new Error('identity: set CLIENT_IP_SECRET in production');
  const twoFactorRoles = config.STAFF_TWO_FACTOR_ROLES.split(',');
  if (!twoFactorRoles.includes('finance') || !twoFactorRoles.includes('super_admin')) throw new Error('identity: STAFF_TWO_FACTOR_ROLES must include finance and super_admin in production');
  if (config.STAFF_TOTP_KEY === DEV_TOTP_KEY) throw new Error('identity: set STAFF_TOTP_KEY in production');
  if (!config.JWT_PRIVATE_KEY_PEM) throw new Error('identity: set JWT_PRIVATE_KEY_PEM in production');
}

export const loadIdentityConfig = (env: NodeJS.ProcessEnv = process.env): IdentityConfig =>
  loadConfig(IdentityConfig, { SERVICE_NAME: 'identity', HTTP_PORT: 3001, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/identity' }, env);
