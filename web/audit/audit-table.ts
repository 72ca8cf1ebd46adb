// The audit events as a table (cards on a phone): when, who from which device and address, what, on which host, details.
import type { AuditEventView } from '../../shared/audit-types';
import { h } from '../ui/dom';
import { actionLabel, actionTone, detailSummary } from './audit-labels';

const dayTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A MagicDNS name's first label is what people call the device; the whole name stays in the tooltip. */
function shortDevice(device: string): string {
  return /\.ts\.net$/.test(device) ? device.split('.')[0]! : device;
}

function whoCell(event: AuditEventView): HTMLElement {
  const { actor } = event;
  const where = [actor.device ? shortDevice(actor.device) : '', actor.address && actor.address !== actor.device ? actor.address : ''].filter(Boolean);
  return h(
    'td',
    { class: 'audit-who', title: [actor.principal, actor.device, actor.address].filter(Boolean).join('\n') },
    h('span', { class: 'audit-who-name' }, actor.name),
    where.map((w) => h('span', { class: 'audit-sub mono' }, w)),
  );
}

function hostCell(event: AuditEventView): HTMLElement {
  if (!event.hostName && !event.hostId) return h('td', { class: 'audit-host is-empty' });
  return h(
    'td',
    { class: 'audit-host', title: event.hostId ?? '' },
    h('span', { class: 'audit-host-name' }, event.hostName ?? event.hostId),
    event.protocol ? h('span', { class: 'audit-sub' }, event.protocol.toUpperCase()) : null,
  );
}

export function auditRow(event: AuditEventView): HTMLTableRowElement {
  const summary = detailSummary(event);
  return h(
    'tr',
    { 'data-id': event.id, 'data-action': event.action },
    h('td', { class: 'audit-when' }, h('time', { datetime: new Date(event.at).toISOString() }, dayTime.format(event.at))),
    whoCell(event),
    h('td', { class: 'audit-action' }, h('span', { class: `badge ${actionTone(event.action)}`, title: event.action }, actionLabel(event.action))),
    hostCell(event),
    h('td', { class: `audit-detail${summary ? '' : ' is-empty'}` }, summary),
  );
}

export function auditTable(): { el: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const el = h(
    'table',
    { class: 'table audit-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Host'), h('th', { scope: 'col' }, 'Details'))),
    body,
  );
  return { el, body };
}
