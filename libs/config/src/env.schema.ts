import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  validateSync,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { parseEncryptionKeys } from './secrets/stream-key-crypto';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Accepts `id:base64key[,id:base64key…]` with 32-byte keys and distinct ids. */
@ValidatorConstraint({ name: 'isEncryptionKeyList' })
class IsEncryptionKeyList implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    try {
      if (typeof value !== 'string') throw new Error('must be a string');
      parseEncryptionKeys(value);
      return true;
    } catch (error) {
      this.problem = error instanceof Error ? error.message : 'is invalid';
      return false;
    }
  }

  defaultMessage(): string {
    return `$property: ${this.problem} (format id:base64key[,id:base64key], e.g. k1:$(openssl rand -base64 32))`;
  }
}

/**
 * Every environment variable Restream Relay reads, with its default. Documented in README
 * ("Configuration"); validated once at start-up by {@link loadConfig}.
 */
export class EnvironmentVariables {
  /** PostgreSQL connection URL. Required. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgresql:// URL' })
  DATABASE_URL!: string;

  /** Redis connection URL (BullMQ). Required. */
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL!: string;

  /** HTTP port of the API. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Address the API and the ingest server bind to. */
  @IsString()
  BIND_HOST = '0.0.0.0';

  /** RTMP ingest port of the relay; also the port shown in ingest URLs. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(0)
  @Max(65535)
  RTMP_PORT = 1935;

  /** HTTP port of the relay's /metrics, /healthz and /readyz (bound on BIND_HOST). Default 3001. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(0)
  @Max(65535)
  RELAY_HTTP_PORT = 3001;

  /** Host name encoders use to reach the ingest, shown in `ingest.*.serverUrl`. */
  @IsString()
  @Matches(/^[A-Za-z0-9.:[\]-]{1,253}$/, { message: 'must be a host name or IP address' })
  PUBLIC_RTMP_HOST = 'localhost';

  /** When set, an organization holding this API key exists after start-up (idempotent). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  RELAY_BOOTSTRAP_API_KEY?: string;

  /**
   * Secret of the keyed hash (HMAC-SHA256) under which ingest stream keys are stored and looked up.
   * Required, at least 32 characters; changing it invalidates every ingest stream key (see README).
   */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters, e.g. $(openssl rand -hex 32)' })
  INGEST_KEY_HMAC_SECRET!: string;

  /**
   * AES-256-GCM keys for destination stream keys at rest: `id:base64key[,id:base64key…]`. The first
   * encrypts; all decrypt; values under another key are re-encrypted at API start-up. Required.
   */
  @IsString()
  @Validate(IsEncryptionKeyList)
  DESTINATION_KEY_ENCRYPTION_KEYS!: string;

  /**
   * Requests one API key may make per window (`API_RATE_LIMIT_WINDOW_SECONDS`), counted in Redis for all API
   * processes together (in each process's memory while Redis is away). Default 600.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  API_RATE_LIMIT_MAX = 600;

  /** Length of the API rate-limit window, seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  API_RATE_LIMIT_WINDOW_SECONDS = 60;

  /** ffmpeg binary used by outbound legs. */
  @IsString()
  FFMPEG_PATH = 'ffmpeg';

  /** Log level: error, warn, log, debug. */
  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' = 'log';

  /** Log format: `json` (one JSON object per line) or `pretty` (readable text, for development). */
  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  /** Leg restart backoff: first delay and cap, ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  LEG_RESTART_MIN_DELAY_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  LEG_RESTART_MAX_DELAY_MS = 30_000;

  // Billing (Stripe). Without STRIPE_SECRET_KEY billing is off: no plan limits, no billing routes.

  /** Stripe secret API key (sk_…); turns billing and plan limits on. */
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  STRIPE_SECRET_KEY?: string;

  /** Signing secret of the Stripe webhook endpoint (whsec_…); required with STRIPE_SECRET_KEY. */
  @ValidateIf((env: EnvironmentVariables) => env.STRIPE_SECRET_KEY !== undefined)
  @IsString({ message: 'must be set when STRIPE_SECRET_KEY is set' })
  @MinLength(8, { message: 'must be at least 8 characters' })
  STRIPE_WEBHOOK_SECRET?: string;

  /** Base URL of the Stripe API, e.g. http://127.0.0.1:12111 for a local stand-in; default Stripe's. */
  @IsOptional()
  @Matches(/^https?:\/\/[^/\s]+\/?$/, { message: 'must be an http(s)://host[:port] URL' })
  STRIPE_API_BASE?: string;

  /** Stripe price ids of the paid plans' subscriptions. */
  @IsOptional()
  @IsString()
  STRIPE_PRICE_CREATOR?: string;

  @IsOptional()
  @IsString()
  STRIPE_PRICE_PRO?: string;

  /** `event_name` of the Stripe meter that counts destination-minutes on air. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'must be a Stripe meter event name' })
  STRIPE_METER_EVENT_NAME = 'destination_minutes';

  /** Length of a usage metering window, ms; usage is sent to Stripe once per window. */
  @Transform(toInt)
  @IsInt()
  @Min(10_000)
  @Max(3_600_000)
  BILLING_USAGE_WINDOW_MS = 60_000;

  /** Webhooks: accept http:// and private, loopback or link-local addresses (development, tests). */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  WEBHOOKS_ALLOW_PRIVATE_URLS = false;

  /** Webhooks: first retry delay, ms; doubled per retry (8 attempts). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  WEBHOOK_RETRY_BASE_DELAY_MS = 30_000;

  /** Webhooks: longest wait for a receiver's answer, ms. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;
}

/** Thrown when the environment is invalid; the message names each variable and its rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates `env` (default `process.env`) against {@link EnvironmentVariables}.
 *
 * @returns the typed configuration with defaults applied.
 * @throws ConfigError naming every invalid variable, e.g. "RTMP_PORT must be an integer".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EnvironmentVariables {
  const known = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((msg) =>
        msg.startsWith(e.property) ? msg : `${e.property} ${msg}`,
      ),
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
}
