/** Settings of the job runner (webhook delivery and scheduled jobs), read from the environment. */
export interface BackoffConfig {
  /** Delay after the first failed attempt, in ms; it doubles per attempt. */
  baseMs: number;
  /** Largest delay between two attempts, in ms. */
  capMs: number;
  /** Attempts continue for this long after the first one (or after a replay), in ms. */
  retryForMs: number;
  /** Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export interface WebhookConfig {
  /** Per attempt, for the whole exchange (connect, answer, first 1 KB of the body), in ms. */
  timeoutMs: number;
  backoff: BackoffConfig;
  /** An endpoint is disabled after this many deliveries in a row failed for good. */
  disableAfter: number;
  /** Deliveries attempted at the same time by one process. */
  concurrency: number;
  /** How often each process looks for new events to fan out, in ms. */
  fanoutIntervalMs: number;
  /** How long a missing event id may hold back later events before it is given up, in ms. */
  gapGraceMs: number;
  /** Settled deliveries (and their attempts) are deleted this many days after they settled. */
  logRetentionDays: number;
}

export interface JobConfig {
  webhooks: WebhookConfig;
  /** Period of each scheduled job in seconds (whole seconds: pg-boss singleton slots). */
  schedules: Record<ScheduledJobName, number>;
  /** How often an idle pg-boss worker polls its queue, in seconds (pg-boss minimum 0.5). */
  pollingIntervalSeconds: number;
  /** pg-boss maintenance (expire stuck active jobs, archive), in seconds. */
  maintenanceIntervalSeconds: number;
}

export const SCHEDULED_JOB_NAMES = ['reconcile', 'idempotency-prune', 'webhook-sweep', 'webhook-log-prune'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[number];

const HOUR = 3_600_000;

export const DEFAULT_JOB_CONFIG: JobConfig = {
  webhooks: {
    timeoutMs: 10_000,
    backoff: { baseMs: 60_000, capMs: 6 * HOUR, retryForMs: 72 * HOUR, jitter: 0.25 },
    disableAfter: 3,
    concurrency: 4,
    fanoutIntervalMs: 500,
    gapGraceMs: 5_000,
    logRetentionDays: 30,
  },
  schedules: { reconcile: 60, 'idempotency-prune': 3_600, 'webhook-sweep': 300, 'webhook-log-prune': 3_600 },
  pollingIntervalSeconds: 2,
  maintenanceIntervalSeconds: 60,
};

export type JobConfigOverrides = {
  webhooks?: Partial<Omit<WebhookConfig, 'backoff'>> & { backoff?: Partial<BackoffConfig> };
  schedules?: Partial<Record<ScheduledJobName, number>>;
  pollingIntervalSeconds?: number;
  maintenanceIntervalSeconds?: number;
};

export function withOverrides(base: JobConfig, o: JobConfigOverrides = {}): JobConfig {
  return {
    webhooks: { ...base.webhooks, ...o.webhooks, backoff: { ...base.webhooks.backoff, ...o.webhooks?.backoff } },
    schedules: { ...base.schedules, ...o.schedules },
    pollingIntervalSeconds: o.pollingIntervalSeconds ?? base.pollingIntervalSeconds,
    maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? base.maintenanceIntervalSeconds,
  };
}

/**
 * Environment variables (all optional; see docs/webhooks.md): TENDER_WEBHOOK_TIMEOUT_MS,
 * TENDER_WEBHOOK_BACKOFF_MS, TENDER_WEBHOOK_BACKOFF_MAX_MS, TENDER_WEBHOOK_RETRY_FOR_MS,
 * TENDER_WEBHOOK_DISABLE_AFTER, TENDER_WEBHOOK_CONCURRENCY, TENDER_WEBHOOK_LOG_RETENTION_DAYS, TENDER_JOB_<NAME>_SEC (NAME in upper
 * snake case, e.g. TENDER_JOB_IDEMPOTENCY_PRUNE_SEC), TENDER_JOBS_POLL_SEC.
 */
export function loadJobConfig(env: NodeJS.ProcessEnv = process.env): JobConfig {
  const d = DEFAULT_JOB_CONFIG;
  const schedules = { ...d.schedules };
  for (const name of SCHEDULED_JOB_NAMES) {
    const key = `TENDER_JOB_${name.toUpperCase().replace(/-/g, '_')}_SEC`;
    schedules[name] = num(env, key, d.schedules[name], { min: 1, integer: true });
  }
  return {
    webhooks: {
      timeoutMs: num(env, 'TENDER_WEBHOOK_TIMEOUT_MS', d.webhooks.timeoutMs, { min: 1 }),
      backoff: {
        baseMs: num(env, 'TENDER_WEBHOOK_BACKOFF_MS', d.webhooks.backoff.baseMs, { min: 1 }),
        capMs: num(env, 'TENDER_WEBHOOK_BACKOFF_MAX_MS', d.webhooks.backoff.capMs, { min: 1 }),
        retryForMs: num(env, 'TENDER_WEBHOOK_RETRY_FOR_MS', d.webhooks.backoff.retryForMs, { min: 0 }),
        jitter: d.webhooks.backoff.jitter,
      },
      disableAfter: num(env, 'TENDER_WEBHOOK_DISABLE_AFTER', d.webhooks.disableAfter, { min: 1, integer: true }),
      concurrency: num(env, 'TENDER_WEBHOOK_CONCURRENCY', d.webhooks.concurrency, { min: 1, integer: true }),
      fanoutIntervalMs: d.webhooks.fanoutIntervalMs,
      gapGraceMs: d.webhooks.gapGraceMs,
      logRetentionDays: num(env, 'TENDER_WEBHOOK_LOG_RETENTION_DAYS', d.webhooks.logRetentionDays, { min: 1, integer: true }),
    },
    schedules,
    pollingIntervalSeconds: num(env, 'TENDER_JOBS_POLL_SEC', d.pollingIntervalSeconds, { min: 0.5 }),
    maintenanceIntervalSeconds: d.maintenanceIntervalSeconds,
  };
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, rule: { min: number; integer?: boolean }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < rule.min || (rule.integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be ${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}, got "${raw}"`);
  }
  return n;
}
