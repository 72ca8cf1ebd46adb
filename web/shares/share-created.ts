// Shows a new share link exactly once: the URL with Copy, a QR code for a phone, and what the guest will be able to do.
import type { CreatedShareLink } from '../../shared/share-types';
import { copyText } from '../ui/clipboard';
import { durationText } from '../ui/countdown';
import { showDialog } from '../ui/dialog';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { qrCode } from './qr-code';
import { AUDIENCE_LABEL, describeTarget, MODE_LABEL } from './share-labels';

export async function showCreatedLink(link: CreatedShareLink): Promise<void> {
  const urlBox = h('div', { class: 'fingerprint share-url', id: 'share-url' }, link.url);
  const copy = h('button', { type: 'button', class: 'btn btn-primary', autofocus: true }, icon('copy', 16), 'Copy link');
  copy.addEventListener('click', async () => {
    const ok = await copyText(link.url);
    copy.replaceChildren(icon(ok ? 'check' : 'warning', 16), ok ? 'Copied' : 'Select and copy by hand');
  });
  const facts = [
    describeTarget(link),
    link.kind === 'session' ? MODE_LABEL[link.mode] : null,
    AUDIENCE_LABEL[link.audience],
    `lasts ${durationText(link.expiresAt - link.createdAt)}`,
    link.maxUses === null ? 'no use limit' : `${link.maxUses} ${link.maxUses === 1 ? 'use' : 'uses'}`,
    link.hasPasscode ? 'passcode set' : null,
  ].filter(Boolean);
  await showDialog<true>({
    title: link.label ? `Link “${link.label}” created` : 'Share link created',
    size: 'lg',
    body: [
      h('div', { class: 'alert alert-warn' }, icon('warning', 16), h('span', null, 'Copy it now: the link is shown only once. Porthole keeps no copy it could show again.')),
      h(
        'div',
        { class: 'share-created' },
        h('figure', { class: 'share-qr' }, qrCode(link.url, 'QR code of the share link'), h('figcaption', { class: 'hint' }, 'Scan with a phone')),
        h(
          'div',
          { class: 'share-created-main' },
          h('span', { class: 'label' }, 'Link'),
          urlBox,
          h('div', { class: 'row' }, copy),
          h('p', { class: 'muted share-facts' }, facts.join(' · ')),
          link.hasPasscode ? h('p', { class: 'hint' }, icon('lock', 12), ' Send the passcode apart from the link (another app, or say it).') : null,
        ),
      ),
    ],
    cancelLabel: null,
    actions: [{ label: 'Done', variant: 'secondary', isDefault: true, run: () => true }],
  }).result;
}
