/**
 * What went wrong with a database call, in the terms callers act on:
 * - `unique-violation`: a unique constraint refused the write (Prisma P2002, SQLSTATE 23505);
 * - `not-found`: the record to update, delete or connect does not exist (P2025, P2001, P2015, P2018);
 * - `foreign-key`: the referenced record does not exist, or is still referenced (P2003, SQLSTATE 23503);
 * - `unavailable`: the database cannot be reached or is overloaded, worth retrying later (P1001, P1002, P1008,
 *   P1017, P2024, P2037, adapter-pg connection errors, SQLSTATE class 08, 53300, 57P01-57P03, ECONNREFUSED…);
 * - `unknown`: anything else, a bug until proven otherwise.
 */
export type DatabaseErrorKind = 'unique-violation' | 'not-found' | 'foreign-key' | 'unavailable' | 'unknown';

/** Facts about a {@link DatabaseError} beyond its kind, as far as the driver reported them. */
export interface DatabaseErrorDetails {
  /** Prisma error code (`P2002`) or else PostgreSQL SQLSTATE (`23505`) or Node error code (`ECONNREFUSED`). */
  code?: string;
  /** Violated constraint or index (`api_keys_secret_hash_key`), or the fields of a unique violation. */
  constraint?: string;
  /** Prisma model the operation was on (`ApiKey`). */
  model?: string;
}

/**
 * A database failure as a domain error; repositories throw it instead of Prisma's errors. The message names
 * the kind, code, model and constraint, never the values written (which may be secrets); the original error
 * is kept as `cause`.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';

  constructor(
    readonly kind: DatabaseErrorKind,
    readonly details: DatabaseErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(describe(kind, details), options);
  }
}

// Prisma error codes: https://www.prisma.io/docs/orm/reference/error-reference
const PRISMA_KINDS: Record<string, DatabaseErrorKind> = {
  P2002: 'unique-violation',
  P2025: 'not-found',
  P2001: 'not-found',
  P2015: 'not-found',
  P2018: 'not-found',
  P2003: 'foreign-key',
  P1001: 'unavailable', // can't reach database server
  P1002: 'unavailable', // database server timed out
  P1008: 'unavailable', // operations timed out
  P1017: 'unavailable', // server closed the connection
  P2024: 'unavailable', // timed out fetching a connection from the pool
  P2037: 'unavailable', // too many database connections
};

// `kind` of a DriverAdapterError's cause (@prisma/driver-adapter-utils), e.g. in a P2010 from $queryRaw.
const ADAPTER_KINDS: Record<string, DatabaseErrorKind> = {
  UniqueConstraintViolation: 'unique-violation',
  ForeignKeyConstraintViolation: 'foreign-key',
  DatabaseNotReachable: 'unavailable',
  ConnectionClosed: 'unavailable',
  SocketTimeout: 'unavailable',
  TooManyConnections: 'unavailable',
};

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

// Messages of pg / pg-pool errors that carry no code.
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i];

/** PostgreSQL SQLSTATE (Appendix A, "PostgreSQL Error Codes") to kind. */
function kindOfSqlState(state: string): DatabaseErrorKind | undefined {
  if (state === '23505') return 'unique-violation';
  if (state === '23503') return 'foreign-key';
  if (state.startsWith('08') || state === '53300' || /^57P0[123]$/.test(state)) return 'unavailable';
  return undefined;
}

/**
 * Maps any error thrown by the Prisma client (with @prisma/adapter-pg) or by `pg` to a {@link DatabaseError}.
 * Looks at Prisma's `code` (PrismaClientKnownRequestError) or `errorCode` (PrismaClientInitializationError),
 * at the driver adapter error in `meta.driverAdapterError` and at the `cause` chain, for the codes listed on
 * {@link DatabaseErrorKind}. Never throws; a DatabaseError is returned unchanged.
 *
 * @example
 * try { return await this.prisma.apiKey.create({ data }); }
 * catch (error) { throw toDatabaseError(error); }
 */
export function toDatabaseError(error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const details: DatabaseErrorDetails = {};
  let kind: DatabaseErrorKind | undefined;
  const consider = (candidate: DatabaseErrorKind | undefined, code: string): void => {
    if (candidate && !kind) {
      kind = candidate;
      details.code ??= code;
    }
  };

  for (const node of errorChain(error)) {
    const code = stringProp(node, 'code') ?? stringProp(node, 'errorCode');
    if (code && /^P\d{4}$/.test(code)) {
      details.code ??= code;
      consider(PRISMA_KINDS[code], code);
    }
    const meta = prop(node, 'meta');
    details.model ??= stringProp(meta, 'modelName');
    const target = prop(meta, 'target');
    details.constraint ??= Array.isArray(target) ? target.join(',') : stringProp(meta, 'target');
    const constraint = prop(node, 'constraint');
    details.constraint ??= stringProp(constraint, 'index') ?? joined(prop(constraint, 'fields'));

    const adapterKind = stringProp(node, 'kind');
    if (adapterKind) consider(ADAPTER_KINDS[adapterKind], adapterKind);
    const sqlState =
      stringProp(node, 'originalCode') ?? (code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined);
    if (sqlState) consider(kindOfSqlState(sqlState), sqlState);
    if (code && UNAVAILABLE_NODE_CODES.has(code)) consider('unavailable', code);
    const message = stringProp(node, 'message') ?? '';
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) consider('unavailable', code ?? 'pg');
  }
  return new DatabaseError(kind ?? 'unknown', details, { cause: error });
}

/** Whether `error` is a {@link DatabaseError}, optionally of the given kind. */
export function isDatabaseError(error: unknown, kind?: DatabaseErrorKind): error is DatabaseError {
  return error instanceof DatabaseError && (kind === undefined || error.kind === kind);
}

/** The error, its `meta.driverAdapterError` and their `cause`s, breadth first, at most 10 nodes. */
function errorChain(error: unknown): unknown[] {
  const nodes: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && nodes.length < 10) {
    const node = queue.shift();
    if (typeof node !== 'object' || node === null || nodes.includes(node)) continue;
    nodes.push(node);
    queue.push(prop(prop(node, 'meta'), 'driverAdapterError'), prop(node, 'cause'));
  }
  return nodes;
}

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringProp(value: unknown, key: string): string | undefined {
  const found = prop(value, key);
  return typeof found === 'string' ? found : undefined;
}

function joined(value: unknown): string | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? value.join(',')
    : undefined;
}

function describe(kind: DatabaseErrorKind, details: DatabaseErrorDetails): string {
  const what: Record<DatabaseErrorKind, string> = {
    'unique-violation': 'Unique constraint violated',
    'not-found': 'Record not found',
    'foreign-key': 'Foreign key constraint violated',
    unavailable: 'Database unavailable',
    unknown: 'Unexpected database error',
  };
  const facts = [
    details.code,
    details.model && `model ${details.model}`,
    details.constraint && `constraint ${details.constraint}`,
  ].filter(Boolean);
  return facts.length > 0 ? `${what[kind]} (${facts.join(', ')})` : what[kind];
}
