/**
 * Small DOM builders for the dashboard's controls (slider with live value, select, checkbox, button): native elements
 * styled with VS Code's theme colours (media/dashboard.css), keyboard-operable as the platform makes them. Native, not
 * @vscode-elements/elements (which the sidebar also left): the custom elements' upgrades, shadow roots and a select that
 * reads its options' innerText (a forced layout each) were ~110 ms of opening a 100-run dashboard (docs/performance.md).
 */

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

export interface SliderOptions {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  format?: (v: number) => string;
  /** What a screen reader announces for a value (default: the formatted value). */
  valueText?: (v: number) => string;
  onInput: (v: number) => void;
  id: string;
}

/** A slider's handle: `set` moves it without firing onInput; `disable` greys it out (and out of the tab order). */
export interface SliderHandle {
  element: HTMLElement;
  input: HTMLInputElement;
  set: (v: number, max?: number) => void;
  disable: (off: boolean, why?: string) => void;
}

/** A labelled range slider showing its value; returns the wrapper and a setter that does not fire onInput. */
export function slider(o: SliderOptions): SliderHandle {
  const wrap = el('label', 'control slider');
  const name = el('span', 'control-label', o.label);
  const input = el('input');
  input.type = 'range';
  input.id = o.id;
  input.min = String(o.min);
  input.max = String(o.max);
  input.step = String(o.step);
  input.value = String(o.value);
  const out = el('output', 'control-value');
  const format = o.format ?? ((v: number) => String(v));
  // Screen readers announce the shown value ("step 63"), not the slider's raw position.
  const show = (v: number): void => {
    const text = format(v);
    out.textContent = text;
    input.setAttribute('aria-valuetext', o.valueText ? o.valueText(v) : text);
  };
  show(o.value);
  input.addEventListener('input', () => {
    const v = Number(input.value);
    show(v);
    o.onInput(v);
  });
  wrap.append(name, input, out);
  return {
    element: wrap,
    input,
    set: (v, max) => {
      if (max !== undefined) input.max = String(max);
      input.value = String(v);
      show(v);
    },
    disable: (off, why = '') => {
      input.disabled = off;
      wrap.classList.toggle('disabled', off);
      wrap.title = off ? why : '';
    },
  };
}

/** A labelled native select (its accessible name is the wrapping label's text). */
export function select<T extends string>(
  label: string,
  options: readonly { value: T; label: string }[],
  value: T,
  onChange: (v: T) => void,
  id: string,
): { element: HTMLElement; setOptions: (opts: readonly { value: T; label: string }[], v: T) => void } {
  const wrap = el('label', 'control');
  wrap.append(el('span', 'control-label', label));
  const sel = el('select', 'select');
  sel.id = id;
  const fill = (opts: readonly { value: T; label: string }[], v: T): void => {
    sel.replaceChildren(
      ...opts.map((o) => {
        const opt = el('option', '', o.label);
        opt.value = o.value;
        return opt;
      }),
    );
    sel.value = v;
  };
  fill(options, value);
  sel.addEventListener('change', () => onChange(sel.value as T));
  wrap.append(sel);
  return { element: wrap, setOptions: fill };
}

/** A labelled native checkbox; the input carries `id` (see {@link setChecked}). */
export function checkbox(
  label: string,
  checked: boolean,
  onChange: (v: boolean) => void,
  id: string,
): HTMLLabelElement {
  const wrap = el('label', 'checkbox');
  const box = el('input');
  box.type = 'checkbox';
  box.id = id;
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  wrap.append(box, el('span', '', label));
  return wrap;
}

/** Ticks or clears a {@link checkbox} without firing its onChange. */
export function setChecked(box: HTMLElement, on: boolean): void {
  const input = box.querySelector('input');
  if (input) input.checked = on;
}

/** A native button in VS Code's (secondary) button colours. */
export function button(label: string, onClick: () => void, secondary = true, title = ''): HTMLButtonElement {
  const b = el('button', secondary ? 'button secondary' : 'button', label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
