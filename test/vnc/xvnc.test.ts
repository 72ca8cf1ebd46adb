// The VNC client against a real TigerVNC Xvnc: security types, the first frame, keys, pointer, clipboard both ways, resize.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RfbAuthError, type RfbError } from '../../server/protocols/vnc/index.js';
import { describeLab } from '../lab/availability.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc, type XvncOptions } from '../lab/xvnc.js';
import { connectTo, openViewer, shows, type TestViewer } from './viewer.js';

const unavailable = xvncUnavailableReason();
const ROOT_POINT = { x: 20, y: 20 };
const XTERM_POINT = { x: 400, y: 300 };
const KEYSYM_RETURN = 0xff0d;

function useXvnc(options: XvncOptions): () => LabVnc {
  let lab: LabVnc | undefined;
  beforeAll(async () => {
    lab = await startXvnc(options);
  });
  afterAll(async () => {
    await lab?.stop();
  });
  return () => lab!;
}

async function expectFirstFrame(viewer: TestViewer): Promise<void> {
  await viewer.waitFor('the root colour', shows(viewer, ROOT_POINT.x, ROOT_POINT.y, SCENE.root));
  await viewer.waitFor("the xterm's background", shows(viewer, XTERM_POINT.x, XTERM_POINT.y, SCENE.xtermBackground));
}

function typeText(viewer: TestViewer, text: string): void {
  // Keyboard focus follows the pointer without a window manager: put it over the xterm first.
  viewer.connection.pointer(XTERM_POINT.x, XTERM_POINT.y, 0);
  for (const char of text) {
    const keysym = char.codePointAt(0)!; // Latin-1 keysyms equal their code points
    viewer.connection.key(keysym, true);
    viewer.connection.key(keysym, false);
  }
  viewer.connection.key(KEYSYM_RETURN, true);
  viewer.connection.key(KEYSYM_RETURN, false);
}

describeLab('VNC client against Xvnc, security None', unavailable, () => {
  const lab = useXvnc({ security: 'None' });
  let viewer: TestViewer;
  beforeAll(async () => {
    viewer = await openViewer(lab());
  });
  afterAll(() => viewer?.connection.close());

  it('reads ServerInit: size and desktop name', () => {
    expect([viewer.connection.width, viewer.connection.height]).toEqual([1024, 768]);
    expect(viewer.connection.name).toMatch(/porthole-lab/);
  });

  it('shows the root colour and the xterm after the first full update', async () => {
    await expectFirstFrame(viewer);
  });

  it('receives the cursor shape with real alpha', async () => {
    viewer.connection.pointer(XTERM_POINT.x, XTERM_POINT.y, 0); // the bare root has an empty cursor; xterm's is an I-beam
    await viewer.waitFor('a cursor', () => viewer.cursors.some((c) => c.width > 0));
    const cursor = viewer.cursors.findLast((c) => c.width > 0)!;
    expect(cursor.rgba.length).toBe(cursor.width * cursor.height * 4);
    const alphas = new Set(cursor.rgba.filter((_, i) => i % 4 === 3));
    expect([...alphas].sort()).toEqual([0, 255]); // the mask: transparent around the shape, opaque on it
  });

  it('types keysyms into the xterm', async () => {
    typeText(viewer, 'Hello, VNC 42!');
    await viewer.waitFor('the typed line in the file', () => lab().readTyped().includes('Hello, VNC 42!\n'));
  });

  it('types with QEMU extended key events (keysym plus XT scancode) once the server confirms them', async () => {
    await viewer.waitFor('QEMU key confirmation', () => viewer.connection.capabilities.qemuKeyEvents);
    viewer.connection.pointer(XTERM_POINT.x, XTERM_POINT.y, 0);
    // q w e (XT 0x10 0x11 0x12), then Return (0x1c).
    for (const [keysym, scancode] of [[0x71, 0x10], [0x77, 0x11], [0x65, 0x12], [KEYSYM_RETURN, 0x1c]] as const) {
      viewer.connection.key(keysym, true, scancode);
      viewer.connection.key(keysym, false, scancode);
    }
    await viewer.waitFor('the line typed by scancode', () => lab().readTyped().includes('qwe\n'));
  });

  it('sends pointer moves and clicks without upsetting the server', async () => {
    for (let i = 0; i < 20; i++) viewer.connection.pointer(10 + i * 3, 10 + i, 0);
    viewer.connection.pointer(40, 40, 1);
    viewer.connection.pointer(40, 40, 0);
    viewer.connection.pointer(5000, -3, 0); // clamped to the framebuffer
    const before = viewer.updates();
    viewer.connection.requestUpdate(false);
    await viewer.waitFor('an update after the pointer events', () => viewer.updates() > before);
  });

  it('pastes client clipboard text (UTF-8) into the xterm', async () => {
    viewer.connection.clipboard('pasted by porthole \u00fc\u20ac\n');
    viewer.connection.pointer(XTERM_POINT.x, XTERM_POINT.y, 2); // middle button pastes PRIMARY, which Xvnc now owns
    viewer.connection.pointer(XTERM_POINT.x, XTERM_POINT.y, 0);
    await viewer.waitFor('the pasted line in the file', () => lab().readTyped().includes('pasted by porthole \u00fc\u20ac\n'));
  });

  it('receives the server clipboard when the xterm selects a word', async () => {
    const { x, y } = SCENE.bannerAt;
    for (const mask of [1, 0, 1, 0]) viewer.connection.pointer(x, y, mask); // double-click selects a word
    await viewer.waitFor('clipboard text from the server', () => viewer.clipboard.includes('PORTHOLE'));
  });

  it('resizes the desktop with SetDesktopSize and gets a new sink of that size', async () => {
    await viewer.waitFor('ExtendedDesktopSize from the server', () => viewer.connection.setDesktopSize(800, 600));
    await viewer.waitFor('the resize event', () => viewer.resizes.some((r) => r.width === 800 && r.height === 600));
    expect([viewer.sink().width, viewer.sink().height]).toEqual([800, 600]);
    viewer.connection.requestUpdate(false);
    await viewer.waitFor('the root colour after the resize', shows(viewer, ROOT_POINT.x, ROOT_POINT.y, SCENE.root));
  });

  it('closes cleanly: a close event without an error', async () => {
    const other = await openViewer(lab());
    other.connection.close();
    expect(await other.closed).toBeUndefined();
  });
});

describeLab('VNC client against Xvnc, VncAuth', unavailable, () => {
  const lab = useXvnc({ security: 'VncAuth' });

  it('logs in with the right password and shows the frame', async () => {
    const viewer = await openViewer(lab(), { password: lab().password });
    try {
      await expectFirstFrame(viewer);
    } finally {
      viewer.connection.close();
    }
  });

  it.each([1, 2, 3, 4, 5, 6])('refuses a wrong password as wrong-password (attempt %i; no blacklisting)', async () => {
    const failure = await connectTo(lab(), { password: 'not-it' }).catch((e: RfbError) => e);
    expect(failure).toBeInstanceOf(RfbAuthError);
    expect(failure).toMatchObject({ kind: 'wrong-password' });
  });

  it('asks for a password when none is stored', async () => {
    await expect(connectTo(lab(), {})).rejects.toMatchObject({ kind: 'password-required' });
  });
});

describeLab('VNC client against Xvnc, VeNCrypt TLSVnc (anonymous TLS)', unavailable, () => {
  const lab = useXvnc({ security: 'TLSVnc' });

  it('logs in through anonymous TLS and shows the frame', async () => {
    const viewer = await openViewer(lab(), { password: lab().password });
    try {
      await expectFirstFrame(viewer);
      typeText(viewer, 'over tls');
      await viewer.waitFor('the typed line in the file', () => lab().readTyped().includes('over tls\n'));
    } finally {
      viewer.connection.close();
    }
  });

  it('refuses a wrong password inside TLS as wrong-password', async () => {
    await expect(connectTo(lab(), { password: 'not-it' })).rejects.toMatchObject({ kind: 'wrong-password' });
  });
});

describeLab('VNC client against Xvnc, VeNCrypt X509Vnc (certificate pinning)', unavailable, () => {
  const lab = useXvnc({ security: 'X509Vnc' });

  it('hands the certificate to onTlsCertificate and connects when it says yes', async () => {
    const seen: { fingerprint256: string; subject: string }[] = [];
    const viewer = await openViewer(lab(), {
      password: lab().password,
      onTlsCertificate: async (cert) => {
        seen.push(cert);
        return cert.fingerprint256 === lab().certificateFingerprint256;
      },
    });
    viewer.connection.close();
    expect(seen).toEqual([{ fingerprint256: lab().certificateFingerprint256, subject: 'CN=porthole-lab-vnc' }]);
  });

  it('refuses the server when onTlsCertificate says no', async () => {
    await expect(connectTo(lab(), { password: lab().password, onTlsCertificate: async () => false })).rejects.toMatchObject({
      kind: 'certificate-rejected',
    });
  });
});

describe('lab Xvnc harness', () => {
  it.skipIf(unavailable !== null)('names the Debian package a missing tool comes from', () => {
    expect(xvncUnavailableReason()).toBeNull();
  });
});
