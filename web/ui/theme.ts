// Light and dark: follows prefers-color-scheme, and gives the terminal a palette that matches the page.
import type { ITheme } from '@xterm/xterm';

const query = window.matchMedia('(prefers-color-scheme: dark)');

export function isDark(): boolean {
  return query.matches;
}

/** Calls `listener` whenever the system switches between light and dark; returns the unsubscribe. */
export function onSchemeChange(listener: (dark: boolean) => void): () => void {
  const handler = (ev: MediaQueryListEvent): void => listener(ev.matches);
  query.addEventListener('change', handler);
  return () => query.removeEventListener('change', handler);
}

// Backgrounds equal --term-bg in styles/base.css, so padding around the grid blends in.
const dark: ITheme = {
  background: '#0d1117',
  foreground: '#d6dde6',
  cursor: '#7aa7ff',
  cursorAccent: '#0d1117',
  selectionBackground: '#2d4f8a',
  selectionInactiveBackground: '#27364d',
  scrollbarSliderBackground: 'rgba(150, 165, 185, 0.25)',
  scrollbarSliderHoverBackground: 'rgba(150, 165, 185, 0.4)',
  scrollbarSliderActiveBackground: 'rgba(150, 165, 185, 0.55)',
  overviewRulerBorder: '#0d1117',
  black: '#1b2230', red: '#ff6b6b', green: '#4cd69a', yellow: '#f5c451',
  blue: '#6ea2ff', magenta: '#c792ea', cyan: '#56c8d8', white: '#cfd6e0',
  brightBlack: '#5c6779', brightRed: '#ff8f8f', brightGreen: '#7ae7b4', brightYellow: '#ffd97a',
  brightBlue: '#94bbff', brightMagenta: '#ddb2ff', brightCyan: '#85e0ec', brightWhite: '#ffffff',
};

const light: ITheme = {
  background: '#fbfcfd',
  foreground: '#1f2633',
  cursor: '#2459d6',
  cursorAccent: '#fbfcfd',
  selectionBackground: '#bcd0f7',
  selectionInactiveBackground: '#d8e1f0',
  scrollbarSliderBackground: 'rgba(60, 70, 90, 0.2)',
  scrollbarSliderHoverBackground: 'rgba(60, 70, 90, 0.35)',
  scrollbarSliderActiveBackground: 'rgba(60, 70, 90, 0.5)',
  overviewRulerBorder: '#fbfcfd',
  black: '#1f2633', red: '#c62828', green: '#1a7f45', yellow: '#9a6700',
  blue: '#2459d6', magenta: '#8e3ab8', cyan: '#0f7b8a', white: '#d4d9e1',
  brightBlack: '#6a7485', brightRed: '#e04848', brightGreen: '#2a9d5c', brightYellow: '#b8860b',
  brightBlue: '#3d73e8', brightMagenta: '#a855c7', brightCyan: '#1596a8', brightWhite: '#f5f7fa',
};

export function terminalTheme(darkMode = isDark()): ITheme {
  return darkMode ? dark : light;
}

/** Monospace fonts people already have; no web fonts (the CSP allows none from elsewhere, and none are needed). */
export const TERMINAL_FONT_FAMILY =
  "ui-monospace, 'SF Mono', 'Cascadia Mono', 'JetBrains Mono', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', 'Noto Sans Mono', monospace";
