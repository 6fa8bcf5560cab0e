// <switchboard-inspector>: the state view in any page, on the board it is given or on the page hook's board.

import type { Board } from '../board.ts';
import { type Probe, probe } from './probe.ts';
import { InspectorView } from './view.ts';

/** How often the view reads a fresh snapshot, in ms. */
const EVERY = 500;

export class SwitchboardInspector extends HTMLElement {
  #board?: Board;
  #view?: InspectorView;
  #timer?: ReturnType<typeof setInterval>;

  /** The board to inspect; without one, the board handed to the page hook (installHook()) is shown. */
  get board(): Board | undefined {
    return this.#board ?? globalThis.__switchboard?.board;
  }

  set board(board: Board | undefined) {
    this.#board = board;
    this.#render();
  }

  connectedCallback(): void {
    if (!this.#view)
      this.#view = new InspectorView(
        this.attachShadow({ mode: 'open' }),
        (action) =>
          void this.#probe()
            ?.act(action)
            .catch(() => undefined),
      );
    this.#render();
    this.#timer ??= setInterval(() => this.#render(), EVERY);
  }

  disconnectedCallback(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The state on show, as JSON (what the Export button downloads). */
  exportJson(): string {
    return this.#view?.exportJson() ?? 'null';
  }

  #probe(): Probe | undefined {
    const board = this.board;
    return board && probe(board);
  }

  #render(): void {
    const source = this.#probe();
    this.#view?.render(
      source?.snapshot() ?? null,
      Date.now(),
      source ? '' : "no board: set the element's board, or call installHook() before connect()",
    );
  }
}

if (!customElements.get('switchboard-inspector')) customElements.define('switchboard-inspector', SwitchboardInspector);

declare global {
  interface HTMLElementTagNameMap {
    'switchboard-inspector': SwitchboardInspector;
  }
}
