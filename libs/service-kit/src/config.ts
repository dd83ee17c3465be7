import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, ValidateIf, getMetadataStorage, validateSync } from 'class-validator';
import { flattenValidationErrors } from '@lsc/contracts';

/** A rule across fields, reported on the field it decorates. */
const Holds = (rule: (config: BaseServiceConfig) => boolean, message: string) =>
  ValidateBy({ name: 'holds', validator: { validate: (_value, args) => rule(args!.object as BaseServiceConfig), defaultMessage: () => message } });

const usesSasl = (c: BaseServiceConfig): boolean => c.KAFKA_SASL_MECHANISM !== undefined || c.KAFKA_SASL_USERNAME !== undefined || c.KAFKA_SASL_PASSWORD !== undefined;

export const KAFKA_SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export const DEVELOPMENT_CLIENT_IP_SECRET = 'development-only-client-ip-secret-change-me';

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

  /**
   * TLS to the brokers (Strimzi's `tls: true` listener). KAFKA_SSL_CA_FILE is a PEM file with the CA that signed the
   * brokers' certificates (the cluster CA Secret mounted into the pod); without it Node's default CAs apply.
   */
  @IsBoolean({ message: 'KAFKA_SSL must be true or false' })
  KAFKA_SSL = false;

  @ValidateIf((c: BaseServiceConfig) => c.KAFKA_SSL_CA_FILE !== undefined)
  @IsString()
  @MinLength(1)
  @Holds((c) => c.KAFKA_SSL === true, 'KAFKA_SSL_CA_FILE needs KAFKA_SSL=true')
  KAFKA_SSL_CA_FILE?: string;

  /** SASL authentication (Strimzi `authentication.type: scram-sha-512`): mechanism, username and password go together. */
  @ValidateIf(usesSasl)
  @IsIn(KAFKA_SASL_MECHANISMS, { message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')} (required with KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD)` })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf(usesSasl)
  @IsString({ message: 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM/KAFKA_SASL_PASSWORD' })
  @MinLength(1, { message: 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM/KAFKA_SASL_PASSWORD' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf(usesSasl)
  @IsString({ message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM/KAFKA_SASL_USERNAME' })
  @MinLength(1, { message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM/KAFKA_SASL_USERNAME' })
  KAFKA_SASL_PASSWORD?: string;

  /**
   * How long the group coordinator waits for a silent consumer before it gives its partitions away. After a crash the
   * restarted consumer's join waits this long (the dead member is only dropped then), so it is also how long a
   * killed service's events wait: 30 s measured 27 s, 10 s about 10 s. The router heartbeats while it retries a
   * handler, so a slow handler is no reason for a long timeout. 6 s is the broker's default minimum.
   */
  @IsInt()
  @Min(6000)
  @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 10000;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  @IsOptional()
  DATABASE_URL?: string;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Redis AUTH password (a cluster reads it from the `redis` Secret); unset, as on a developer machine, no AUTH is sent.
   * A password in REDIS_URL wins over this one.
   */
  @ValidateIf((c: BaseServiceConfig) => c.REDIS_PASSWORD !== undefined)
  @IsString()
  @MinLength(1, { message: 'REDIS_PASSWORD must not be empty when set' })
  REDIS_PASSWORD?: string;

  /** TLS to Redis (also implied by a rediss:// URL); REDIS_TLS_CA_FILE is the PEM of the CA that signed its certificate. */
  @IsBoolean({ message: 'REDIS_TLS must be true or false' })
  REDIS_TLS = false;

  @ValidateIf((c: BaseServiceConfig) => c.REDIS_TLS_CA_FILE !== undefined)
  @IsString()
  @MinLength(1)
  @Holds((c) => c.REDIS_TLS === true || c.REDIS_URL.startsWith('rediss://'), 'REDIS_TLS_CA_FILE needs REDIS_TLS=true or a rediss:// REDIS_URL')
  REDIS_TLS_CA_FILE?: string;

  /**
   * A port of its own for `/metrics` (Kubernetes: 9464), so a NetworkPolicy can let Prometheus reach the metrics and
   * nothing else; the API port then answers 404 there. Unset (local machine): `/metrics` stays on HTTP_PORT.
   */
  @ValidateIf((c: BaseServiceConfig) => c.METRICS_PORT !== undefined)
  @IsInt()
  @Min(1)
  @Max(65535)
  @Holds((c) => c.METRICS_PORT !== c.HTTP_PORT, 'METRICS_PORT must differ from HTTP_PORT')
  METRICS_PORT?: number;

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

  /**
   * Shared by the gateway and the services: the gateway signs the client address it resolved with it, services believe
   * only a signed address (client-ip.ts). The default serves development and tests only; production refuses it.
   */
  @IsString()
  @MinLength(32, { message: 'CLIENT_IP_SECRET must be at least 32 characters' })
  CLIENT_IP_SECRET = DEVELOPMENT_CLIENT_IP_SECRET;
}

export class ConfigError extends Error {
  constructor(service: string, problems: string[]) {
    super(`Invalid configuration for ${service}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Constructor<T> = new () => T;

/** A rejected value as the error shows it: secrets never, a URL without its password. */
function shown(field: string, value: unknown): string {
  if (value === undefined || value === '') return JSON.stringify(value);
  if (/PASSWORD|SECRET|PRIVATE_KEY|TOKEN|PEPPER/.test(field)) return '<hidden>';
  return JSON.stringify(typeof value === 'string' ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, '$1:***@') : value);
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/**
 * Reads env vars into a validated config object: every setting the class declares (with a default or a validator);
 * numbers and booleans are converted, unknown vars ignored. Fails with every problem listed.
 */
export function loadConfig<T extends BaseServiceConfig>(cls: Constructor<T>, defaults: Partial<Record<keyof T, unknown>>, env: NodeJS.ProcessEnv = process.env): T {
  const template = new cls();
  const raw: Record<string, unknown> = { ...template, ...defaults };
  // Settings declared without an initializer (`X?: string`) are no own property of the template; their validators name them.
  const validations = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const declared = new Set([...Object.keys(raw), ...validations.map((m) => m.propertyName)]);
  // An optional integer (`METRICS_PORT?: number`) has no default to tell its type: its @IsInt() does.
  const integers = new Set(validations.filter((m) => m.name === 'isInt').map((m) => m.propertyName));
  for (const key of declared) {
    if (env[key] === undefined) continue;
    const current = raw[key];
    const value = env[key]!;
    if (current === undefined && value === '') continue; // an empty optional setting is an unset one
    raw[key] = typeof current === 'number' || (current === undefined && integers.has(key)) ? (/^-?\d+$/.test(value) ? Number(value) : value) : typeof current === 'boolean' ? (BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value) : value;
  }
  const config = plainToInstance(cls, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      String(raw.SERVICE_NAME ?? cls.name),
      flattenValidationErrors(errors).map((p) => `${p.field}: ${p.message} (got ${shown(p.field, raw[p.field])})`),
    );
  }
  return config;
}

export const CONFIG = Symbol('SERVICE_CONFIG');
