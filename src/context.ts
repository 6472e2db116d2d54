import type { Logger } from 'pino';
import type { TenderConfig } from './config.js';
import type { KeyRing } from './crypto.js';
import type { Db } from './store/db.js';
import type { Notifier } from './services/notifier.js';

/** Everything a service needs, passed explicitly; nothing that matters lives in process memory. */
export interface AppContext {
  db: Db;
  config: TenderConfig;
  keys: KeyRing;
  log: Logger;
  /** The clock, injectable for tests and for the pure domain. */
  now: () => Date;
  notifier: Notifier;
}
