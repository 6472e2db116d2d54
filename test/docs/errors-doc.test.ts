import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.js';

describe('docs/errors.md', () => {
  it('documents every error code with its status', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.entries(ERROR_STATUS).filter(([code, status]) => !doc.includes(`| \`${code}\` | ${status} |`));
    expect(missing).toEqual([]);
  });
});
