import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/store/migrate.js';
import { createPgliteDb } from '../src/store/pglite-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Creates one migrated PGlite data directory per migration set (a fresh one takes ~6 s; a copy
 * opens in ~0.2 s). Tests copy it instead of initialising their own.
 */
export default async function setup(project: TestProject): Promise<void> {
  const dir = new URL('../src/store/migrations/', import.meta.url).pathname;
  const hash = createHash('sha256');
  for (const f of (await readdir(dir)).sort()) hash.update(f).update(await readFile(join(dir, f)));
  const template = join(tmpdir(), `tender-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  const ready = await stat(join(template, 'READY')).then(() => true, () => false);
  if (!ready) {
    const building = `${template}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(building, { recursive: true });
    const db = await createPgliteDb({ dataDir: building });
    await migrate(db);
    await db.close();
    await cp(building, template, { recursive: true, force: true });
    await rm(building, { recursive: true, force: true });
    await (await import('node:fs/promises')).writeFile(join(template, 'READY'), '');
  }
  project.provide('pgliteTemplate', template);
}
