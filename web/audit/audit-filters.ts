// The audit page's filter bar: kind, person, host, date range and free text; it reports the filters on Apply or on a change.
import { AUDIT_ACTION_FAMILIES } from '../../shared/audit-types';
import { h, uid } from '../ui/dom';
import { icon } from '../ui/icons';
import { actionLabel, FAMILY_LABEL } from './audit-labels';
import { hasFilters, NO_FILTERS, type AuditFilters } from './audit-query';

export interface FilterBar {
  el: HTMLFormElement;
  /** Names and hosts seen in loaded events, offered as suggestions. */
  suggest(people: Iterable<string>, hosts: Iterable<string>): void;
}

function field(label: string, control: HTMLElement, wide = false): HTMLElement {
  return h('div', { class: `field${wide ? ' audit-field-wide' : ''}` }, h('label', { for: control.id }, label), control);
}

export function filterBar(initial: AuditFilters, onChange: (filters: AuditFilters) => void): FilterBar {
  const kind = h(
    'select',
    { class: 'select input', id: uid('audit-kind'), name: 'action' },
    h('option', { value: '' }, 'Everything'),
    AUDIT_ACTION_FAMILIES.map((f) => h('option', { value: f }, FAMILY_LABEL[f])),
  );
  // A link may name one exact action (e.g. ?action=share.refused): offer it too, so the select can show it.
  if (initial.action && !(AUDIT_ACTION_FAMILIES as readonly string[]).includes(initial.action)) kind.append(h('option', { value: initial.action }, actionLabel(initial.action)));
  kind.value = initial.action;
  const peopleList = h('datalist', { id: uid('audit-people') });
  const hostList = h('datalist', { id: uid('audit-hosts') });
  const text = (name: string, value: string, placeholder: string, list?: HTMLDataListElement) =>
    h('input', { class: 'input', id: uid(`audit-${name}`), name, value, placeholder, autocomplete: 'off', maxlength: '200', ...(list ? { list: list.id } : {}) });
  const actor = text('actor', initial.actor, 'Name or login', peopleList);
  const host = text('host', initial.host, 'Host name', hostList);
  const from = h('input', { class: 'input', type: 'date', id: uid('audit-from'), name: 'from', value: initial.fromDate });
  const to = h('input', { class: 'input', type: 'date', id: uid('audit-to'), name: 'to', value: initial.toDate });
  const q = text('q', initial.q, 'Address, device, detail…');
  q.type = 'search';
  const clear = h('button', { type: 'button', class: 'btn btn-ghost' }, icon('close', 16), 'Clear');

  const el = h(
    'form',
    { class: 'card audit-filters', role: 'search', 'aria-label': 'Filter the audit log', novalidate: true },
    field('Kind', kind),
    field('Person', actor),
    field('Host', host),
    field('From', from),
    field('To', to),
    field('Search', q, true),
    h('div', { class: 'audit-filter-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 16), 'Apply'), clear),
    peopleList,
    hostList,
  );
  const current = (): AuditFilters => ({ action: kind.value, actor: actor.value.trim(), host: host.value.trim(), q: q.value.trim(), fromDate: from.value, toDate: to.value });
  const sync = () => (clear.hidden = !hasFilters(current()));
  const emit = () => {
    sync();
    onChange(current());
  };
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    emit();
  });
  // Choices apply at once; typed text applies on Enter or Apply (no request per keystroke).
  for (const control of [kind, from, to]) control.addEventListener('change', emit);
  clear.addEventListener('click', () => {
    kind.value = NO_FILTERS.action;
    for (const input of [actor, host, q, from, to]) input.value = '';
    emit();
  });
  sync();

  const fill = (list: HTMLDataListElement, values: Iterable<string>) => list.replaceChildren(...[...new Set(values)].sort().map((v) => h('option', { value: v })));
  return {
    el,
    suggest(people, hosts) {
      fill(peopleList, people);
      fill(hostList, hosts);
    },
  };
}
