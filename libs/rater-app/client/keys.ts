const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'number', 'password', 'tel', 'url']);

/**
 * Whether a key press is the page's to interpret: not while typing, not with a modifier (browser shortcuts),
 * and not while a native media control has focus (its keys seek, pause and change the volume).
 */
function isShortcutKey(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target;
  if (!(target instanceof Element)) return true;
  if (target instanceof HTMLMediaElement || target.closest('video, audio')) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return false;
  if (target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type)) return false;
  return !(target instanceof HTMLElement && target.isContentEditable);
}

/** Elements whose own Enter must keep working (a button, a link, a <details> summary). */
function activatesOnEnter(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('button, a[href], summary') !== null;
}
