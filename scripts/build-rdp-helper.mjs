#!/usr/bin/env node
// Builds the RDP helper (native/rdp-helper/*.c) against FreeRDP 2 into dist/native/porthole-rdp.
// Without a C compiler or the FreeRDP 2 development files it says how to get them and exits 0,
// so that `npm install` never fails on a machine that does not need RDP.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'native', 'rdp-helper');
const output = path.join(root, 'dist', 'native', 'porthole-rdp');
const UNAVAILABLE =
  'RDP unavailable: install the Debian package freerdp2-dev (apt-get install freerdp2-dev), then run npm run build:rdp';
// As a postinstall step a failed compile must not fail `npm install`; `npm run build` must fail.
const lenient = process.env.npm_lifecycle_event === 'postinstall';

function run(command, args) {
  return spawnSync(command, args, { encoding: 'utf8' });
}

const cc = run('cc', ['--version']);
const pkg = run('pkg-config', ['--cflags', '--libs', 'freerdp2', 'freerdp-client2', 'winpr2']);
if (cc.error || cc.status !== 0 || pkg.error || pkg.status !== 0) {
  console.log(UNAVAILABLE);
  process.exit(0);
}

const sources = existsSync(sourceDir)
  ? readdirSync(sourceDir)
      .filter((name) => name.endsWith('.c'))
      .sort()
      .map((name) => path.join(sourceDir, name))
  : [];
if (sources.length === 0) {
  console.error(`porthole-rdp: no C sources in ${path.relative(root, sourceDir)}`);
  process.exit(lenient ? 0 : 1);
}
const flags = pkg.stdout.trim().split(/\s+/).filter(Boolean);
mkdirSync(path.dirname(output), { recursive: true });
const build = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-o', output, ...sources, ...flags], {
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error(`porthole-rdp: the compile failed (cc exited with ${build.status ?? build.signal})`);
  process.exit(lenient ? 0 : 1);
}
console.log(`built ${path.relative(root, output)}`);
