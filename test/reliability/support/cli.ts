import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from '../../support/tender.js';

const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tender <args>` as the operator would, against the given database. */
export function tender(args: string[], databaseUrl: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, TENDER_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn', TENDER_DEMO: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `tender verify`: the number of violations it printed (and its output, for the failure message). */
export async function verifyCli(databaseUrl: string): Promise<{ violations: number; output: string; status: number | null }> {
  const r = await tender(['verify'], databaseUrl);
  const m = /; (\d+) violations/.exec(r.stdout);
  return { violations: m ? Number(m[1]) : Number.NaN, output: r.stdout + r.stderr, status: r.status };
}
