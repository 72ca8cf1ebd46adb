// Entry point of the guest page (/share/#<token>): the app's styles and terminal/desktop modules, none of its signed-in pages.
import '@xterm/xterm/css/xterm.css';
import '../ui/styles/base.css';
import '../ui/styles/header.css';
import '../ui/styles/controls.css';
import '../ui/styles/overlays.css';
import '../terminal/terminal.css';
import '../desktop/desktop.css';
import './guest.css';
import { startGuestPage } from './guest-page';

startGuestPage(document.getElementById('app')!);
