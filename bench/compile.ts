/**
 * Transpiles src/ and bench/ to plain JavaScript in a temporary mirror of the repository, so the
 * HTTP server child runs as production runs (`node dist/cli.js`): without the tsx loader, which
 * alone adds ~35 MB of RSS (measured: a bare Fastify process, 62 MB under plain node, 99 MB
 * under `--import tsx`) — too much noise for a 200 MB target. Type checking is `npm run
 * typecheck`'s job; this only strips types (TypeScript's transpileModule, per file).
 * Non-TypeScript files (migrations, the demo project) are copied; node_modules and admin/ are
 * linked, so relative `import.meta.url` paths and package resolution work as in the repository.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface CompiledTree {
  root: string;
  /** Absolute path of a repository file's compiled counterpart (`bench/server.ts` → …/bench/server.js). */
  path(file: string): string;
  remove(): Promise<void>;
}

export async function compileTree(): Promise<CompiledTree> {
  const out = await mkdtemp(join(tmpdir(), 'tender-bench-js-'));
  for (const dir of ['src', 'bench']) await transpileDir(join(ROOT, dir), join(out, dir));
  await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  await symlink(join(ROOT, 'admin'), join(out, 'admin'), 'dir');
  return {
    root: out,
    path: (file) => join(out, file.replace(/\.ts$/, '.js')),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}

async function transpileDir(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const src = join(from, entry.name);
    if (entry.isDirectory()) {
      await transpileDir(src, join(to, entry.name));
    } else if (entry.name.endsWith('.d.ts')) {
      continue;
    } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.tsx')) {
      const { outputText } = ts.transpileModule(await readFile(src, 'utf8'), {
        fileName: relative(ROOT, src),
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          jsx: ts.JsxEmit.ReactJSX,
          esModuleInterop: true,
        },
      });
      await writeFile(join(to, entry.name.replace(/\.tsx?$/, '.js')), outputText);
    } else {
      await copyFile(src, join(to, entry.name));
    }
  }
}
