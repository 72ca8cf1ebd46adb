// The desktop player's bar: play/pause, a seek slider with the time, and the speed; it only reports what the person asked for.
import { h, uid } from '../ui/dom';
import { icon } from '../ui/icons';
import { formatDuration } from './recording-labels';

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export interface PlayerControlHooks {
  toggle(): void;
  seek(ms: number): void;
  speed(speed: number): void;
}

export interface PlayerControls {
  el: HTMLElement;
  setPlaying(playing: boolean): void;
  /** Moves the slider and the time text, unless the person is dragging the slider right now. */
  setPosition(ms: number, duration: number): void;
  setEnabled(enabled: boolean): void;
}

export function createPlayerControls(hooks: PlayerControlHooks): PlayerControls {
  const play = h('button', { type: 'button', class: 'btn btn-primary btn-icon player-play', 'aria-label': 'Play', title: 'Play (Space)', disabled: true });
  const slider = h('input', { type: 'range', class: 'player-seek', min: '0', max: '0', step: '100', value: '0', 'aria-label': 'Position', disabled: true });
  const time = h('span', { class: 'player-time mono', 'aria-hidden': 'true' }, '0:00 / 0:00');
  const speedId = uid('speed');
  const speed = h(
    'select',
    { id: speedId, class: 'select player-speed', disabled: true },
    SPEEDS.map((s) => h('option', { value: String(s), ...(s === 1 ? { selected: true } : {}) }, `${s}×`)),
  );
  let dragging = false;

  play.addEventListener('click', () => hooks.toggle());
  slider.addEventListener('pointerdown', () => (dragging = true));
  slider.addEventListener('pointerup', () => (dragging = false));
  slider.addEventListener('input', () => hooks.seek(Number(slider.value)));
  speed.addEventListener('change', () => hooks.speed(Number(speed.value)));

  const el = h(
    'div',
    { class: 'player-controls', role: 'group', 'aria-label': 'Playback' },
    play,
    slider,
    time,
    h('label', { class: 'sr-only', for: speedId }, 'Speed'),
    speed,
  );
  setPlayIcon(false);

  function setPlayIcon(playing: boolean): void {
    play.replaceChildren(icon(playing ? 'pause' : 'play', 18));
    play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    play.title = `${playing ? 'Pause' : 'Play'} (Space)`;
  }

  return {
    el,
    setPlaying: setPlayIcon,
    setPosition(ms, duration) {
      const text = `${formatDuration(ms)} / ${formatDuration(duration)}`;
      time.textContent = text;
      slider.max = String(duration);
      slider.setAttribute('aria-valuetext', text.replace(' / ', ' of '));
      if (!dragging) slider.value = String(ms);
    },
    setEnabled(enabled) {
      play.disabled = slider.disabled = speed.disabled = !enabled;
    },
  };
}
