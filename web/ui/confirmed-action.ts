// Ask before a destructive action, run it, then say how it went: the one pattern behind every Remove, Delete and End.
import { errorText } from '../api';
import { confirmDialog } from './dialog';
import { h } from './dom';
import { toast } from './toast';

export interface ConfirmedAction {
  title: string;
  /** One sentence on what happens; shown as the dialog's body. */
  consequence: string;
  confirmLabel: string;
  run(): Promise<unknown>;
  /** Toast after success; none when omitted (the page shows the change itself). */
  done?: string;
  /** Called after success, e.g. to reload a list. */
  after?(): void | Promise<void>;
}

/** Resolves true when the person confirmed and the action succeeded; errors become a toast. */
export async function runConfirmed(action: ConfirmedAction): Promise<boolean> {
  const ok = await confirmDialog({ title: action.title, body: [h('p', null, action.consequence)], confirmLabel: action.confirmLabel, danger: true });
  if (!ok) return false;
  try {
    await action.run();
    if (action.done) toast(action.done, 'success');
    await action.after?.();
    return true;
  } catch (err) {
    toast(errorText(err), 'error');
    return false;
  }
}
