import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { flattenValidationErrors } from '@lsc/contracts';

/** Settings every service reads from its environment. Defaults fit the local machine; production sets them all. */
export class BaseServiceConfig {
  @IsString()
  SERVICE_NAME!: string;

  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_PORT!: number;

  @Matches(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  @IsOptional()
  DATABASE_URL?: string;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 15000;

  /** Where services fetch identity's public signing keys to verify access tokens. */
  @Matches(/^https?:\/\//, { message: 'JWT_JWKS_URL must be an http(s) URL' })
  JWT_JWKS_URL = 'http://127.0.0.1:3001/api/v1/identity/.well-known/jwks.json';

  @IsString()
  JWT_ISSUER = 'https://lsc.org.cn/identity';

  @IsString()
  JWT_AUDIENCE = 'lsc-membership';
}

export class ConfigError extends Error {
  constructor(service: string, problems: string[]) {
    super(`Invalid configuration for ${service}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Constructor<T> = new () => T;

/** Reads env vars into a validated config object; numbers are converted, unknown vars ignored. Fails with every problem listed. */
export function loadConfig<T extends BaseServiceConfig>(cls: Constructor<T>, defaults: Partial<Record<keyof T, unknown>>, env: NodeJS.ProcessEnv = process.env): T {
  const template = new cls();
  const raw: Record<string, unknown> = { ...template, ...defaults };
  for (const key of Object.keys(raw).concat(Object.keys(env))) {
    if (env[key] === undefined || !(key in raw)) continue;
    const current = raw[key];
    raw[key] = typeof current === 'number' ? (/^-?\d+$/.test(env[key]!) ? Number(env[key]) : env[key]) : env[key];
  }
  const config = plainToInstance(cls, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      String(raw.SERVICE_NAME ?? cls.name),
      flattenValidationErrors(errors).map((p) => `${p.field}: ${p.message} (got ${JSON.stringify(raw[p.field])})`),
    );
  }
  return config;
}

export const CONFIG = Symbol('SERVICE_CONFIG');
