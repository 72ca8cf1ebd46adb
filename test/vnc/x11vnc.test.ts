// The VNC client against x11vnc (libvncserver) sharing an Xvfb display: a second server implementation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from '../lab/availability.js';
import { SCENE, startX11vnc, x11vncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { openViewer, shows } from './viewer.js';

describeLab('VNC client against x11vnc over Xvfb', x11vncUnavailableReason(), () => {
  let lab: LabVnc;
  beforeAll(async () => {
    lab = await startX11vnc();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('connects without a password and shows the root colour and the xterm', async () => {
    const viewer = await openViewer(lab);
    try {
      expect([viewer.connection.width, viewer.connection.height]).toEqual([1024, 768]);
      await viewer.waitFor('the root colour', shows(viewer, 20, 20, SCENE.root));
      await viewer.waitFor("the xterm's background", shows(viewer, 400, 300, SCENE.xtermBackground));
    } finally {
      viewer.connection.close();
    }
  });

  it('types into the xterm', async () => {
    const viewer = await openViewer(lab);
    try {
      viewer.connection.pointer(400, 300, 0);
      for (const char of 'via x11vnc') {
        viewer.connection.key(char.charCodeAt(0), true);
        viewer.connection.key(char.charCodeAt(0), false);
      }
      viewer.connection.key(0xff0d, true);
      viewer.connection.key(0xff0d, false);
      await viewer.waitFor('the typed line', () => lab.readTyped().includes('via x11vnc\n'));
    } finally {
      viewer.connection.close();
    }
  });
});
