/** A text without its closing full stop, to sit inside a sentence that has its own. */
export function noStop(text: string): string {
  return text.replace(/\.+$/u, '');
}
