/**
 * The frame every dashboard chart sits in: title and subtitle (both wrap: never cut), PNG/CSV export buttons, a
 * canvas in a sized box, and the chart's data as an accessible table behind a "Data" disclosure; plus the CSV
 * helpers of the exports. The charts under charts/ are plot cards in it (plotCard.ts).
 */
import type { Theme } from '../../shared/theme';

/** Where exports go: the host shows a save dialog (see webviewActions.ts). */
export type SaveFile = (format: 'png' | 'csv', fileName: string, data: string) => void;

/** Quotes a CSV field when needed (RFC 4180). */
function field(value: unknown): string {
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document from a header and rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/** A file-name-safe slug. */
export const slug = (s: string): string => s.replace(/[^\w.-]+/g, '_').slice(0, 80);

export interface CardOptions {
  id: string;
  title: string;
  parent: HTMLElement;
  save: SaveFile;
  theme: Theme;
  /** The data behind the chart as CSV (called on export). */
  csv: () => string;
  /** CSS class for size variants (e.g. 'tall'). */
  className?: string;
}

/** The DOM of a card: a figure with caption, PNG/CSV buttons, a canvas in a sized box and a data disclosure. */
export interface CardShell {
  element: HTMLElement;
  caption: HTMLElement;
  subtitle: HTMLElement;
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  /** A short description of what is drawn (the canvas's accessible description). */
  description: HTMLElement;
  data: HTMLDetailsElement;
  table: HTMLElement;
}

let cards = 0;

/** Builds a card's DOM under `o.parent`; `png()` returns the chart image as a data URL on export. */
export function cardShell(o: CardOptions, png: () => string): CardShell {
  const n = ++cards;
  const element = document.createElement('figure');
  element.className = `card ${o.className ?? ''}`.trim();
  element.dataset.chart = o.id;
  const head = document.createElement('figcaption');
  const titles = document.createElement('div');
  titles.className = 'card-titles';
  const caption = document.createElement('span');
  caption.className = 'card-title';
  caption.id = `card-title-${n}`;
  caption.textContent = o.title;
  const subtitle = document.createElement('span');
  subtitle.className = 'card-subtitle';
  subtitle.hidden = true;
  titles.append(caption, subtitle);
  const pngButton = button('PNG', `Save "${o.title}" as PNG`, () =>
    o.save('png', `${slug(o.id)}.png`, png()),
  );
  const csvButton = button('CSV', `Save the data of "${o.title}" as CSV`, () =>
    o.save('csv', `${slug(o.id)}.csv`, o.csv()),
  );
  head.append(titles, pngButton, csvButton);
  const box = document.createElement('div');
  box.className = 'canvas-box';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-labelledby', caption.id);
  const description = document.createElement('p');
  description.className = 'sr-only';
  description.id = `card-desc-${n}`;
  canvas.setAttribute('aria-describedby', description.id);
  box.append(canvas);
  const data = document.createElement('details');
  data.className = 'chart-data';
  const summary = document.createElement('summary');
  summary.textContent = 'Data';
  const table = document.createElement('div');
  table.className = 'table-wrap';
  data.append(summary, table);
  element.append(head, box, description, data);
  o.parent.append(element);
  return { element, caption, subtitle, box, canvas, description, data, table };
}

function button(label: string, title: string, onClick: () => void): HTMLElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button secondary';
  b.setAttribute('title', title);
  b.setAttribute('aria-label', title);
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
