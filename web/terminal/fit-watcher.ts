// Keeps the terminal grid matched to its box: a ResizeObserver, debounced, that ignores hidden (0 x 0) boxes.
import type { FitAddon } from '@xterm/addon-fit';

const DEBOUNCE_MS = 50;

/** Fits now and on every size change of `el`; returns the stop function. */
export function watchFit(el: HTMLElement, fit: FitAddon): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fitNow = (): void => {
    // A hidden tab measures 0 x 0; fitting it would shrink the remote pty to the minimum.
    if (el.clientWidth < 20 || el.clientHeight < 20) return;
    try {
      fit.fit(); // resizes xterm only when cols/rows change; its onResize then tells the server
    } catch (err) {
      console.warn('porthole: fit failed', err);
    }
  };
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(fitNow, DEBOUNCE_MS);
  });
  observer.observe(el);
  fitNow();
  return () => {
    clearTimeout(timer);
    observer.disconnect();
  };
}
