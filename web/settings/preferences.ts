// Per-browser preferences (terminal accessibility), kept in localStorage.

const KEY = 'porthole.preferences';

export interface Preferences {
  /** xterm.js keeps an accessible text copy of the screen for screen readers (costs some speed). */
  screenReaderMode: boolean;
}

const DEFAULTS: Preferences = { screenReaderMode: false };

export function loadPreferences(): Preferences {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Preferences>;
    return { ...DEFAULTS, screenReaderMode: stored.screenReaderMode === true };
  } catch {
    return { ...DEFAULTS };
  }
}

export function savePreferences(prefs: Preferences): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    /* storage refused (private mode): the choice lasts for this page only */
  }
}
