// The pluggable decoders (Hextile, ZRLE, Tight) against Xvnc: the server really uses each, and the frame comes out right.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENCODING, type FramebufferChange, type RectDecoder } from '../../server/protocols/vnc/index.js';
import { decodeHextile } from '../../server/protocols/vnc/encodings/hextile.js';
import { decodeTight } from '../../server/protocols/vnc/encodings/tight.js';
import { decodeZrle } from '../../server/protocols/vnc/encodings/zrle.js';
import { describeLab } from '../lab/availability.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { openViewer, shows } from './viewer.js';

describeLab('VNC decoders against Xvnc', xvncUnavailableReason(), () => {
  let lab: LabVnc;
  beforeAll(async () => {
    lab = await startXvnc({ security: 'None' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it.each([
    ['Hextile', ENCODING.hextile, decodeHextile],
    ['ZRLE', ENCODING.zrle, decodeZrle],
    ['Tight', ENCODING.tight, decodeTight],
  ] as [string, number, RectDecoder][])('%s: the server uses it and the frame shows the scene', async (_name, encoding, decoder) => {
    const viewer = await openViewer(lab, { decoders: new Map([[encoding, decoder]]) });
    const seen: FramebufferChange[] = [];
    viewer.connection.events.on('update', (changes) => seen.push(...changes));
    try {
      await viewer.waitFor('the root colour', shows(viewer, 20, 20, SCENE.root));
      await viewer.waitFor("the xterm's background", shows(viewer, 400, 300, SCENE.xtermBackground));
      await viewer.waitFor('the banner text drawn in black', () => hasDarkPixel(viewer.sink().rgb.bind(viewer.sink()), SCENE.bannerAt));
      expect(seen.some((c) => c.kind === 'pixels' && c.encoding === encoding)).toBe(true);
    } finally {
      viewer.connection.close();
    }
  });
});

/** Some glyph pixel near `at`: the decoders must draw text, not only flat colour. */
function hasDarkPixel(rgb: (x: number, y: number) => [number, number, number], at: { x: number; y: number }): boolean {
  for (let y = at.y - 5; y < at.y + 6; y++) for (let x = at.x - 9; x < at.x + 30; x++) if (rgb(x, y).every((v) => v < 64)) return true;
  return false;
}
