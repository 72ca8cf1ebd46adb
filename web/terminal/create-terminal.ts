// Builds one xterm.js terminal with its addons (fit, links, search, unicode 11, WebGL when it works) and key bindings.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import { onSchemeChange, terminalTheme, TERMINAL_FONT_FAMILY } from '../ui/theme';
import { toast } from '../ui/toast';
import { copyText } from '../ui/clipboard';
import { loadPreferences } from '../settings/preferences';

export interface TerminalKit {
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** Attaches the terminal to `el` (which must be visible, so WebGL and fit can measure). */
  open(el: HTMLElement): void;
  copySelection(): Promise<void>;
  dispose(): void;
}

export interface TerminalKeys {
  /** Ctrl+Shift+F */
  openSearch(): void;
  /** Keys the workspace uses (tab switching): xterm.js must leave them alone. */
  isWorkspaceKey(ev: KeyboardEvent): boolean;
}

export function createTerminal(keys: TerminalKeys): TerminalKit {
  const small = window.matchMedia('(max-width: 640px)').matches;
  const term = new Terminal({
    allowProposedApi: true, // unicode11 and search decorations are "proposed" APIs
    fontFamily: TERMINAL_FONT_FAMILY,
    fontSize: small ? 13 : 14,
    lineHeight: 1.1,
    cursorBlink: true,
    cursorStyle: 'block',
    scrollback: 10_000,
    theme: terminalTheme(),
    drawBoldTextInBrightColors: true,
    // Right click copies the selection (see the pane), so it must not replace the selection with a word.
    rightClickSelectsWord: false,
    macOptionClickForcesSelection: true,
    overviewRuler: { width: 10 },
    screenReaderMode: loadPreferences().screenReaderMode,
  });
  const fit = new FitAddon();
  const search = new SearchAddon({ highlightLimit: 2000 });
  term.loadAddon(fit);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon());
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';

  let webgl: WebglAddon | null = null;
  let disposed = false;
  const stopTheme = onSchemeChange((dark) => {
    term.options.theme = terminalTheme(dark);
  });

  async function copySelection(): Promise<void> {
    const text = term.getSelection();
    if (!text) return;
    const ok = await copyText(text);
    toast(ok ? 'Copied' : 'Copy failed: the browser refused clipboard access', ok ? 'success' : 'error', 1500);
    term.focus();
  }

  term.attachCustomKeyEventHandler((ev) => {
    const ctrlShift = ev.ctrlKey && ev.shiftKey && !ev.altKey && !ev.metaKey;
    const down = ev.type === 'keydown';
    if (ctrlShift && ev.code === 'KeyC') {
      // Preventing the default also keeps Chrome from opening its element inspector.
      if (down) {
        ev.preventDefault();
        void copySelection();
      }
      return false;
    }
    // Ctrl+Shift+V: let the browser fire its native paste event, which xterm.js turns into onData.
    if (ctrlShift && ev.code === 'KeyV') return false;
    if (ctrlShift && ev.code === 'KeyF') {
      if (down) {
        ev.preventDefault();
        keys.openSearch();
      }
      return false;
    }
    // Cmd+C / Cmd+V on macOS: native copy and paste events, not keystrokes for the shell.
    if (ev.metaKey && !ev.ctrlKey && (ev.code === 'KeyC' || ev.code === 'KeyV')) return false;
    return !keys.isWorkspaceKey(ev);
  });

  return {
    term,
    fit,
    search,
    copySelection,
    open(el) {
      term.open(el);
      // The WebGL renderer is a separate chunk: the DOM renderer draws at once, WebGL takes over when loaded.
      import('@xterm/addon-webgl')
        .then(({ WebglAddon }) => {
          if (disposed) return;
          const addon = new WebglAddon();
          // A lost GPU context (driver reset, too many tabs) falls back to the DOM renderer instead of going blank.
          addon.onContextLoss(() => {
            addon.dispose();
            webgl = null;
          });
          term.loadAddon(addon);
          webgl = addon;
        })
        .catch((err: unknown) => console.info('porthole: WebGL renderer unavailable, using the DOM renderer', err));
    },
    dispose() {
      disposed = true;
      stopTheme();
      webgl?.dispose();
      term.dispose();
    },
  };
}
