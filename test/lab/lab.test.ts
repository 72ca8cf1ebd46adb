// Self-tests of the lab harness: a real sshd accepts password, key and keyboard-interactive logins; chromium renders.
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from './availability.js';
import { chromiumUnavailableReason, launchChromium } from './chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from './sshd.js';

interface Session {
  client: Client;
  /** The fingerprint computed from the raw key ssh2 hands its hostVerifier, independently of ssh-keygen. */
  hostKeyFingerprint: string;
}

function login(config: ConnectConfig): Promise<Session> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKeyFingerprint = '';
    client.once('ready', () => resolve({ client, hostKeyFingerprint }));
    client.once('error', reject);
    client.connect({
      readyTimeout: 10_000,
      ...config,
      hostVerifier: (key: Buffer) => {
        hostKeyFingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
        return true;
      },
    });
  });
}

function run(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let out = '';
      stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
      stream.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      stream.on('close', () => resolve(out));
    });
  });
}

describeLab('lab sshd', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  const sessions: Client[] = [];
  const connect = async (config: ConnectConfig) => {
    const session = await login({ host: sshd.host, port: sshd.port, username: sshd.user, ...config });
    sessions.push(session.client);
    return session;
  };

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    sessions.forEach((c) => c.end());
    await sshd?.stop();
  });

  it('logs in with the password and runs a command', async () => {
    const { client } = await connect({ password: sshd.password });
    expect((await run(client, 'echo hi')).trim()).toBe('hi');
  });

  it('logs in with the private key', async () => {
    const { client } = await connect({ privateKey: sshd.privateKey });
    expect((await run(client, 'id -un')).trim()).toBe(sshd.user);
  });

  it('rejects a wrong password', async () => {
    await expect(connect({ password: 'not-the-password' })).rejects.toThrow(/authentication methods failed/);
  });

  it('reports the fingerprint ssh2 sees, and a new one after rotateHostKey on the same port', async () => {
    const before = await connect({ password: sshd.password });
    expect(before.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    const port = sshd.port;
    const rotated = await sshd.rotateHostKey();
    expect(rotated).not.toBe(before.hostKeyFingerprint);
    expect(sshd.port).toBe(port);
    const after = await connect({ privateKey: sshd.privateKey });
    expect(after.hostKeyFingerprint).toBe(rotated);
  });
});

describeLab('lab sshd forcing keyboard-interactive', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  beforeAll(async () => {
    sshd = await startSshd({ authenticationMethods: 'keyboard-interactive' });
  });
  afterAll(() => sshd?.stop());

  it('refuses the key but accepts the password through the PAM prompt', async () => {
    await expect(login({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.privateKey })).rejects.toThrow();
    const prompts: string[] = [];
    const client = new Client();
    client.on('keyboard-interactive', (_name, _instructions, _lang, questions, answer) => {
      prompts.push(...questions.map((q) => q.prompt));
      answer(questions.map(() => sshd.password));
    });
    const ready = new Promise<void>((resolve, reject) => client.once('ready', resolve).once('error', reject));
    client.connect({ host: sshd.host, port: sshd.port, username: sshd.user, tryKeyboard: true, hostVerifier: () => true });
    await ready;
    try {
      expect(prompts.join()).toMatch(/password/i);
      expect((await run(client, 'echo hi')).trim()).toBe('hi');
    } finally {
      client.end();
    }
  });
});

describeLab('lab chromium', chromiumUnavailableReason(), () => {
  it('launches and renders a data: URL', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto('data:text/html,<title>lab</title><h1 id="x">hello lab</h1>');
      expect(await page.textContent('#x')).toBe('hello lab');
      const png = await page.screenshot();
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await browser.close();
    }
  });
});
