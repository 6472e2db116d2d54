import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnTender } from '../support/process.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

async function login(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/admin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { status: res.status, body: (await res.json()) as { user?: { role: string; mustChangePassword: boolean } } };
}

describe('admin users from the command line (embedded PGlite data directory)', () => {
  it('prints a demo admin at start, and `tender admin create` makes owners (one-time password) and viewers', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tender-admin-cli-'));
    const env: Record<string, string> = { TENDER_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', TENDER_SECRET_KEY: '', TENDER_DEMO: '', TENDER_JOBS: '0' };
    try {
      const first = await spawnTender(env, 150_000);
      let demo: string[];
      try {
        expect(first.banner['Admin panel']).toBe(`${first.url}/admin`);
        demo = (first.banner['Demo admin'] ?? '').split(' / ');
        expect(demo[0]).toBe('admin@example.com');
        expect(demo[1]).toMatch(/^[A-Za-z0-9_-]{16}$/);
        expect((await login(first.url, demo[0]!, demo[1]!)).body.user).toEqual(expect.objectContaining({ role: 'owner', mustChangePassword: false }));
      } finally {
        await first.kill();
      }

      const owner = await cli(['admin', 'create', 'Owner@Example.com'], env);
      expect(owner.code, owner.out).toBe(0);
      const otp = /One-time password: (\S+)/.exec(owner.out)?.[1];
      expect(otp).toBeDefined();
      const viewer = await cli(['admin', 'create', 'viewer@example.com', '--role', 'viewer', '--password', 'viewer-password-1'], env);
      expect(viewer.code, viewer.out).toBe(0);
      expect(viewer.out).not.toContain('One-time password');
      const dup = await cli(['admin', 'create', 'owner@example.com'], env);
      expect(dup.code).not.toBe(0);
      expect(dup.out).toContain('already exists');

      const again = await spawnTender(env, 150_000);
      try {
        expect(again.banner['Demo admin']).toBe(`${demo[0]} / ${demo[1]}`);
        expect((await login(again.url, 'owner@example.com', otp!)).body.user).toEqual(expect.objectContaining({ role: 'owner', mustChangePassword: true }));
        expect((await login(again.url, 'viewer@example.com', 'viewer-password-1')).body.user).toEqual(expect.objectContaining({ role: 'viewer', mustChangePassword: false }));
      } finally {
        await again.kill();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
