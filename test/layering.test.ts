// Guards the module boundaries from DESIGN.md: server and web never import each other; shared imports neither node: nor DOM code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const rules: [layer: string, forbidden: RegExp, why: string][] = [
  ['server', /(^|\/)web\//, 'server/ must not import web/'],
  ['web', /(^|\/)server\//, 'web/ must not import server/'],
  ['web', /^node:/, 'web/ runs in the browser'],
  ['shared', /(^|\/)(server|web)\//, 'shared/ imports neither side'],
  ['shared', /^node:/, 'shared/ runs in both the browser and node'],
];

describe('module boundaries', () => {
  it.each(rules)('%s: %s', (layer, forbidden, why) => {
    const offenders = sourceFiles(join(root, layer))
      .filter((f) => !f.endsWith('vite.config.ts'))
      .flatMap((f) => importsOf(f).filter((s) => forbidden.test(s)).map((s) => `${relative(root, f)} imports ${s}`));
    expect(offenders, why).toEqual([]);
  });

  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf(join(root, 'shared', 'terminal-protocol.ts'))).toContain('zod');
  });
});
