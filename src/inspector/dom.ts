// Small DOM builders for the inspector: elements whose text is always set as text, and keyed table rows.

type Child = Node | string;

/** An element with attributes and children; strings become text nodes, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Sets text only when it changed, so a steady view does not churn the DOM. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Keeps a table body's rows in the order of `items`, one row per key, made once and filled on every render:
 * a row (and its buttons) survives between renders, so a click in progress is not lost.
 */
export class Rows<T> {
  readonly #rows = new Map<string, HTMLTableRowElement>();

  readonly #key: (item: T) => string;
  readonly #make: (item: T) => HTMLTableRowElement;
  readonly #fill: (row: HTMLTableRowElement, item: T) => void;

  constructor(
    readonly body: HTMLTableSectionElement,
    key: (item: T) => string,
    make: (item: T) => HTMLTableRowElement,
    fill: (row: HTMLTableRowElement, item: T) => void,
  ) {
    this.#key = key;
    this.#make = make;
    this.#fill = fill;
  }

  render(items: readonly T[]): void {
    const keep = new Set<string>();
    items.forEach((item, i) => {
      const key = this.#key(item);
      keep.add(key);
      let row = this.#rows.get(key);
      if (!row) {
        row = this.#make(item);
        this.#rows.set(key, row);
      }
      this.#fill(row, item);
      if (this.body.children[i] !== row) this.body.insertBefore(row, this.body.children[i] ?? null);
    });
    for (const [key, row] of this.#rows) {
      if (keep.has(key)) continue;
      row.remove();
      this.#rows.delete(key);
    }
  }
}
