import { resolve } from 'node:path';

export interface TenderConfig {
  /** PostgreSQL URL; when unset Tender uses embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  port: number;
  host: string;
  /** Public base URL used in payment links (checkout pages, return URLs). */
  publicUrl: string;
  /** 32-byte master key (base64 or hex) for secrets at rest and token signing. */
  secretKey?: string;
  logLevel: string;
  /** Demo mode: seeds a demo project and prints codes; on by default with PGlite only. */
  demo: boolean;
  bodyLimit: number;
  dbPoolSize: number;
  /**
   * Named prepared statements on PostgreSQL (default on). Off for a connection pooler in
   * transaction mode that cannot keep them (e.g. PgBouncer before 1.21 or without
   * max_prepared_statements).
   */
  dbPreparedStatements: boolean;
  /**
   * LISTEN for change notifications on PostgreSQL (default on): the session, app-token and
   * account caches depend on it. Off behind a pooler in transaction mode, which cannot carry
   * LISTEN: then nothing is cached but app tokens (30 s) and the process does not keep trying.
   */
  dbListen: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TenderConfig {
  const port = intFrom(env.PORT, 3000, 'PORT');
  const host = env.HOST ?? '127.0.0.1';
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    databaseUrl,
    dataDir: resolve(env.TENDER_DATA_DIR ?? './.tender'),
    port,
    host,
    publicUrl: (env.TENDER_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, ''),
    secretKey: env.TENDER_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    demo: env.TENDER_DEMO ? env.TENDER_DEMO === '1' || env.TENDER_DEMO === 'true' : !databaseUrl,
    bodyLimit: intFrom(env.TENDER_BODY_LIMIT, 256 * 1024, 'TENDER_BODY_LIMIT'),
    dbPoolSize: intFrom(env.TENDER_DB_POOL, 10, 'TENDER_DB_POOL'),
    dbPreparedStatements: switchFrom(env.TENDER_DB_PREPARED, true, 'TENDER_DB_PREPARED'),
    dbListen: switchFrom(env.TENDER_DB_LISTEN, true, 'TENDER_DB_LISTEN'),
  };
}

function switchFrom(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'on' || value === '1' || value === 'true') return true;
  if (value === 'off' || value === '0' || value === 'false') return false;
  throw new Error(`${name} must be on or off, got "${value}"`);
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}
