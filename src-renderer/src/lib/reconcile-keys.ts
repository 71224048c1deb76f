import type { ReconcileState } from './reconcile-state.svelte.ts';

export const KEY_HELP =
  'J / K next and previous · A or Enter accept · R reject · ↑ ↓ choose a match · L link · Ctrl+Z undo';

/**
 * The Reconcile view's keys, so the whole review works without a mouse. Keys typed into a field, and
 * Enter on a button or tab, keep their usual meaning.
 */
export function handleReconcileKey(e: KeyboardEvent, s: ReconcileState): void {
  const target = e.target instanceof HTMLElement ? e.target : document.body;
  const inField = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable;
  if (inField || target.closest('dialog')) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    void s.undo();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || s.tab === 'activity') return;
  const onControl = target.tagName === 'BUTTON' || target.getAttribute('role') === 'tab';
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const finding = s.tab === 'unmatched' && s.finder.items.length > 0;
  let handled = true;
  if (key === 'j' || (key === 'ArrowDown' && !finding)) s.move(1);
  else if (key === 'k' || (key === 'ArrowUp' && !finding)) s.move(-1);
  else if (key === 'ArrowDown' && finding) s.finder.move(1);
  else if (key === 'ArrowUp' && finding) s.finder.move(-1);
  else if ((key === 'a' || (key === 'Enter' && !onControl)) && s.tab === 'review') void s.decide('accept');
  else if (key === 'r' && s.tab === 'review') void s.decide('reject');
  else if (key === 'l' && s.tab === 'unmatched') void s.link();
  else handled = false;
  if (handled) e.preventDefault();
}
