// The few icons only the recordings pages need, drawn like ui/icons (24x24, stroke) by borrowing its SVG and swapping the path.
import { icon } from '../ui/icons';

const PATHS = {
  play: 'M7 4.5v15l12-7.5z',
  pause: 'M8 5v14M16 5v14',
  download: 'M12 4v12M7 11l5 5 5-5M4 20h16',
  film: 'M4 4h16v16H4zM8 4v16M16 4v16M4 8h4M4 12h4M4 16h4M16 8h4M16 12h4M16 16h4',
  keyboard: 'M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M8 14h8',
} as const;

export type RecordingIconName = keyof typeof PATHS;

export function recordingIcon(name: RecordingIconName, size = 18): SVGSVGElement {
  const svg = icon('clock', size);
  svg.querySelector('path')!.setAttribute('d', PATHS[name]);
  return svg;
}
