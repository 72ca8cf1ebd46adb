// Shows a freshly created API token exactly once, with a copy button and an example call.
import type { CreatedApiToken } from '../../shared/api-types';
import { copyText } from '../ui/clipboard';
import { showDialog } from '../ui/dialog';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';

export async function showNewToken(created: CreatedApiToken): Promise<void> {
  const tokenBox = h('div', { class: 'fingerprint token-value', id: 'new-token' }, created.token);
  const copy = h('button', { type: 'button', class: 'btn btn-sm' }, icon('copy', 16), 'Copy');
  copy.addEventListener('click', async () => {
    const ok = await copyText(created.token);
    copy.replaceChildren(icon(ok ? 'check' : 'warning', 16), ok ? 'Copied' : 'Select and copy by hand');
  });
  await showDialog<true>({
    title: `Token “${created.name}” created`,
    body: [
      h('div', { class: 'alert alert-warn' }, icon('warning', 16), h('span', null, 'Copy it now: it will not be shown again.')),
      h('div', { class: 'token-copy' }, tokenBox, copy),
      h('p', { class: 'muted' }, 'Try it:'),
      h('pre', { class: 'fingerprint token-example' }, `curl -H "Authorization: Bearer ${created.token}" ${location.origin}/api/hosts`),
    ],
    cancelLabel: null,
    actions: [{ label: 'Done', isDefault: true, run: () => true }],
  }).result;
}
