// Refreshes a page's list every few seconds while someone can see it; returns the function that stops it.

/** Skips a tick when the tab is hidden (nobody is looking) or a dialog is open (a refresh would move what it is about). */
export function pollWhileVisible(refresh: () => void, everyMs: number): () => void {
  const timer = window.setInterval(() => {
    if (document.visibilityState === 'visible' && !document.querySelector('dialog[open]')) refresh();
  }, everyMs);
  return () => window.clearInterval(timer);
}
