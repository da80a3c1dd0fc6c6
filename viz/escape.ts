/** Escaping for the HTML and SVG the review writes: a module of its own, so the browser bundle can use it without the layout. */

/** Escapes text for XML content and attribute values. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
