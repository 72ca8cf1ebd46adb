// The host dialog's "Recording" section: off, on or required (with what each means), and whether typed input is kept too.
import { RECORDING_MODES, type RecordingMode } from '../../shared/api-types';
import { h, uid } from '../ui/dom';
import { RECORDING_MODE_HINTS, RECORDING_MODE_NAMES } from './host-labels';

export interface RecordingFields {
  el: HTMLElement;
  mode: HTMLSelectElement;
  input: HTMLInputElement;
}

export function recordingFields(mode: RecordingMode, input: boolean): RecordingFields {
  const select = h(
    'select',
    { class: 'select input', name: 'recordingMode', id: uid('rec') },
    RECORDING_MODES.map((m) => h('option', { value: m, selected: m === mode }, RECORDING_MODE_NAMES[m])),
  );
  const modeHint = h('span', { class: 'hint', id: `${select.id}-hint` });
  select.setAttribute('aria-describedby', modeHint.id);
  const box = h('input', { type: 'checkbox', name: 'recordInput', id: uid('rec-input'), checked: input });
  const boxHint = h('span', { class: 'hint', id: `${box.id}-hint` }, 'Passwords typed at prompts (sudo, a login) would be kept in the recording too.');
  box.setAttribute('aria-describedby', boxHint.id);
  const show = (): void => {
    const chosen = select.value as RecordingMode;
    modeHint.textContent = RECORDING_MODE_HINTS[chosen];
    // Nothing is recorded, so there is no input to keep: the choice stays as it was for when recording is back on.
    box.disabled = chosen === 'off';
  };
  select.addEventListener('change', show);
  show();
  const el = h(
    'fieldset',
    { class: 'field-group' },
    h('legend', null, 'Recording'),
    h('div', { class: 'field' }, h('label', { for: select.id }, 'Record sessions'), select, modeHint),
    h('div', { class: 'field' }, h('label', { class: 'row', for: box.id }, box, h('span', null, 'Also record what is typed (SSH) / keys and mouse (desktops)')), boxHint),
  );
  return { el, mode: select, input: box };
}
