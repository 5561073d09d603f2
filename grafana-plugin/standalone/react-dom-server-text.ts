// Stands in for react-dom/server in the standalone bundle. Its one user here is @grafana/ui's TruncatedText, which
// renders a truncated <Text>'s children to markup only to strip the tags again for the tooltip: the text is what it
// wants. The real module is react-dom's whole server renderer (≈200 KB of the bundle, parsed on every page load);
// inside Grafana the plugin uses Grafana's own copy (an external), so only the standalone host swaps it out.
import { isValidElement, type ReactNode } from 'react';

/** The text of a React tree as far as it is spelled out in elements (a component's own output is not rendered). */
function textOf(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (isValidElement<{ children?: ReactNode }>(node)) return textOf(node.props.children);
  return '';
}

/** What TruncatedText calls; it strips tags from the result, so plain text is the same answer. */
export function renderToStaticMarkup(node: ReactNode): string {
  return textOf(node);
}

export default { renderToStaticMarkup };
