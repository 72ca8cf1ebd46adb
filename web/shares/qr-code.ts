// A share URL as a QR code: an inline SVG built as DOM (no script, no image fetch), dark modules on a white square so phones scan it in dark mode too.
import { encode } from 'uqr';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** One path of 1x1 squares; `border` modules of quiet zone on each side (scanners need it). */
export function qrPathData(data: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return parts.join('');
}

export function qrCode(text: string, label: string): SVGSVGElement {
  // uqr adds the quiet zone itself (`border`), so the path starts at the square's corner.
  const qr = encode(text, { ecc: 'M', border: 2 });
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${qr.size} ${qr.size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.classList.add('qr-code');
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', String(qr.size));
  background.setAttribute('height', String(qr.size));
  background.setAttribute('fill', '#ffffff');
  const modules = document.createElementNS(SVG_NS, 'path');
  modules.setAttribute('d', qrPathData(qr.data));
  modules.setAttribute('fill', '#000000');
  svg.append(background, modules);
  return svg;
}
