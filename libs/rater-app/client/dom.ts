type Child = Node | string | null | undefined | false;
type AttributeValue = string | number | boolean | undefined;

/**
 * Builds an element from attributes and children. Text goes in as text nodes, never as markup: everything the
 * page shows from the study (instructions, prompts, names) is written by people outside this code.
 */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, AttributeValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A key hint as it appears on buttons and labels. */
function kbd(...keys: string[]): HTMLElement {
  return el('span', { class: 'keys', 'aria-hidden': 'true' }, ...keys.map((k) => el('kbd', {}, k)));
}

let uniqueIds = 0;
/** An id for label/aria wiring, unique within the page's lifetime. */
function uniqueId(prefix: string): string {
  uniqueIds += 1;
  return `${prefix}-${uniqueIds}`;
}
