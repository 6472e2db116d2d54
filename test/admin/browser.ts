/**
 * Browser harness of the panel tests: Debian's chromium driven by playwright-core (never a
 * downloaded browser), the panel built first when admin/dist is missing or older than its
 * sources, and screenshots written to test-artifacts/admin/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
const ROOT = new URL('../../', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-artifacts/admin');
export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** Builds admin/dist unless it is newer than every source it is made from (one build at a time). */
export async function ensurePanelBuilt(): Promise<void> {
  const index = join(ROOT, 'admin/dist/index.html');
  const sources = ['admin/src', 'admin/index.html', 'admin/vite.config.ts', 'src/sdk', 'src/domain/currencies.ts', 'src/contract'];
  const fresh = async () => {
    if (!existsSync(index)) return false;
    const built = (await stat(index)).mtimeMs;
    for (const s of sources) if ((await newestMtime(join(ROOT, s))) > built) return false;
    return true;
  };
  if (await fresh()) return;
  const lock = join(ROOT, 'node_modules/.tender-admin-build-lock');
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 240) await rm(lock, { recursive: true, force: true }); // a stale lock of a killed run
      await new Promise((r) => setTimeout(r, 500));
      if (await fresh()) return;
    }
  }
  try {
    if (await fresh()) return;
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'admin/vite.config.ts'], { cwd: ROOT });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Collects CSP violations and page errors: a panel page must produce none. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs in through the panel's form. */
export async function signInPanel(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
