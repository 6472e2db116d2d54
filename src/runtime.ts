import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TenderConfig } from './config.js';
import type { AppContext } from './context.js';
import { KeyRing } from './crypto.js';
import { logNotifier } from './services/notifier.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { createPgDb } from './store/pg-db.js';
import { createPgliteDb } from './store/pglite-db.js';

export async function openDb(config: TenderConfig): Promise<Db> {
  if (config.databaseUrl) return createPgDb({ connectionString: config.databaseUrl, max: config.dbPoolSize, preparedStatements: config.dbPreparedStatements, listen: config.dbListen });
  await mkdir(config.dataDir, { recursive: true });
  return createPgliteDb({ dataDir: join(config.dataDir, 'pgdata') });
}

/**
 * The master key: TENDER_SECRET_KEY, or — on the embedded database only — a key generated
 * once into the data directory (with a warning), so that the zero-setup demo just runs.
 * Several processes on one PostgreSQL must share the key, so there it is required.
 */
export async function loadKeys(config: TenderConfig, log: Logger): Promise<KeyRing> {
  if (config.secretKey) return KeyRing.fromString(config.secretKey);
  if (config.databaseUrl) {
    throw new Error('TENDER_SECRET_KEY is required with DATABASE_URL (32 bytes, base64 or hex; e.g. `openssl rand -base64 32`)');
  }
  const file = join(config.dataDir, 'secret.key');
  let value: string;
  try {
    value = (await readFile(file, 'utf8')).trim();
  } catch {
    value = KeyRing.generate();
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, value + '\n', { mode: 0o600 });
    log.warn({ file }, 'TENDER_SECRET_KEY is not set: generated a key into the data directory (fine for a demo; set TENDER_SECRET_KEY in production)');
  }
  return KeyRing.fromString(value);
}

export async function openContext(config: TenderConfig, log: Logger, db?: Db): Promise<AppContext> {
  const keys = await loadKeys(config, log);
  const database = db ?? (await openDb(config));
  await migrate(database);
  return { db: database, config, keys, log, now: () => new Date(), notifier: logNotifier(log, config.demo) };
}
