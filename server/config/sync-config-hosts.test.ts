// porthole.yaml hosts reach the store with their recording policy, and a policy taken out of the file goes back to the default.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSecretBox } from '../crypto/secret-box.js';
import { createLogger } from '../log.js';
import { openStore, type Store } from '../store/index.js';
import { parseConfigFile } from './config-file.js';
import { syncConfigHosts } from './sync-config-hosts.js';

const quiet = createLogger({ destination: new Writable({ write: (_c, _e, done) => done() }) });
let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'porthole-sync-'));
  store = await openStore({ databaseUrl: undefined, dataDir, secretBox: createSecretBox(randomBytes(32)) });
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const hostsOf = (yaml: string) => parseConfigFile(yaml, 'porthole.yaml').hosts;

it('creates and updates config hosts with their recording settings', async () => {
  await syncConfigHosts(hostsOf('hosts:\n  - { name: pi, address: a, user: u, password: x, recording: { mode: required, input: true } }\n  - { name: nas, address: b, user: u, password: x }\n'), store.hosts, quiet);
  expect((await store.hosts.getByName('pi'))?.recording).toEqual({ mode: 'required', input: true });
  expect((await store.hosts.getByName('nas'))?.recording).toEqual({ mode: 'on', input: false });

  await syncConfigHosts(hostsOf('hosts:\n  - { name: pi, address: a, user: u, password: x }\n  - { name: nas, address: b, user: u, password: x, recording: { mode: off } }\n'), store.hosts, quiet);
  expect((await store.hosts.getByName('pi'))?.recording).toEqual({ mode: 'on', input: false });
  expect((await store.hosts.getByName('nas'))?.recording).toEqual({ mode: 'off', input: false });
});
