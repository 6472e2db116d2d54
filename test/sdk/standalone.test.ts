import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const SDK_DIR = new URL('../../src/sdk/', import.meta.url);

describe('SDK packaging', () => {
  it('has no runtime dependency outside src/sdk (contract types are import type only)', async () => {
    const files = (await readdir(SDK_DIR)).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      const source = await readFile(new URL(file, SDK_DIR), 'utf8');
      const statements = source.match(/^(?:import|export)\b[^;]*?\bfrom\s+'[^']+';/gms) ?? [];
      for (const statement of statements) {
        const specifier = /from\s+'([^']+)'/.exec(statement)?.[1] ?? '';
        const typeOnly = /^(?:import|export)\s+type\b/.test(statement);
        if (!typeOnly) expect(specifier, `${file}: ${statement}`).toMatch(/^\.\/[a-z-]+\.js$/);
      }
      expect(source, file).not.toMatch(/from\s+'node:/);
    }
  });
});
