/**
 * The dashboard's run legend, shared by every chart: one entry per compared run (swatch with its dash pattern,
 * short label, full name in the tooltip), under group headers when colouring by a key; collapsible and scrollable;
 * hovering or focusing an entry highlights the run in every chart, clicking isolates it, the checkbox hides it, the
 * filter box narrows the legend and the charts to runs whose label, name or key values contain the text. Also holds
 * the "Colour by" and "Style by" choices.
 */
import { runFocus } from './runFocus';
import type { RunStyle, RunStyles } from './runStyles';
import { keyValue } from './runStyles';
import type { RunInfo } from '../../src/protocol/webview';
import { el, select } from './controls';
import type { UiState } from './uiState';

const SVG = 'http://www.w3.org/2000/svg';

/** A 22x10 px sample of the run's line: colour and dash pattern. */
function swatch(style: RunStyle): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '22');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('legend-swatch');
  const line = document.createElementNS(SVG, 'line');
  line.setAttribute('x1', '1');
  line.setAttribute('x2', '21');
  line.setAttribute('y1', '5');
  line.setAttribute('y2', '5');
  line.setAttribute('stroke', style.color);
  line.setAttribute('stroke-width', '2.5');
  if (style.dash.length > 0) line.setAttribute('stroke-dasharray', style.dash.join(' '));
  svg.append(line);
  return svg;
}

export interface Legend {
  element: HTMLElement;
  render(styles: RunStyles, infos: readonly RunInfo[]): void;
}

/** `filterText`: the filter box's text restored from the webview state. */
export function createLegend(update: (patch: Partial<UiState>) => void, filterText = ''): Legend {
  const root = el('details', 'legend');
  root.open = true;
  const summary = el('summary', '', 'Legend');
  const bar = el('div', 'legend-bar');
  const filter = el('input', 'legend-filter');
  filter.type = 'search';
  filter.placeholder = 'Filter runs';
  filter.setAttribute('aria-label', 'Filter runs by label, name or key value');
  filter.value = filterText;
  const showAll = el('button', 'link-button', 'Show all');
  showAll.type = 'button';
  showAll.addEventListener('click', () => {
    filter.value = '';
    update({ legendFilter: '' });
    runFocus.showAll();
  });
  const colorBy = select<string>(
    'Colour by',
    [{ value: '', label: 'run' }],
    '',
    (v) => update({ colorBy: v }),
    'color-by',
  );
  const styleBy = select<string>(
    'Style by',
    [{ value: '', label: 'auto' }],
    '',
    (v) => update({ styleBy: v }),
    'style-by',
  );
  bar.append(filter, showAll, colorBy.element, styleBy.element);
  const list = el('div', 'legend-list');
  list.setAttribute('role', 'list');
  const status = el('p', 'legend-status');
  status.setAttribute('aria-live', 'polite');
  root.append(summary, bar, status, list);
  let key = '';
  let haystack = new Map<string, string>();
  const entries = new Map<string, { item: HTMLElement; button: HTMLButtonElement; box: HTMLInputElement }>();

  const refreshState = (): void => {
    const isolated = runFocus.isolatedRun;
    let shown = 0;
    for (const [id, e] of entries) {
      const visible = runFocus.visible(id);
      if (visible) shown++;
      e.item.classList.toggle('off', !visible);
      e.item.hidden = !runFocus.matches(id);
      e.button.setAttribute('aria-pressed', String(isolated === id));
      e.box.checked = !runFocus.isHidden(id);
    }
    const filtered = runFocus.filter !== '' ? ` matching "${runFocus.filter}"` : '';
    status.textContent = `${shown} of ${entries.size} runs shown${filtered}${isolated ? ' (one isolated: click it again to show all)' : ''}`;
    showAll.hidden = shown === entries.size;
  };
  runFocus.onChange((change) => {
    if (change === 'visibility') refreshState();
  });
  filter.addEventListener('input', () => {
    update({ legendFilter: filter.value });
    runFocus.setFilter(filter.value, haystack);
  });

  return {
    element: root,
    render(styles, infos) {
      const options = (first: string) => [
        { value: '', label: first },
        ...styles.keys.map((k) => ({ value: k, label: k })),
      ];
      const next = JSON.stringify([
        styles.list.map((s) => [s.runId, s.label, s.color, s.dash, s.group]),
        styles.keys,
        styles.colorKey,
        styles.styleKey,
      ]);
      if (next === key) return;
      key = next;
      colorBy.setOptions(options('run (own colour)'), styles.colorKey);
      styleBy.setOptions(options(styles.colorKey ? 'run' : 'auto'), styles.styleKey);
      summary.textContent = `Legend: ${styles.list.length} run${styles.list.length === 1 ? '' : 's'}${styles.colorKey ? ` by ${styles.colorKey}` : ''}${styles.styleKey ? `, style by ${styles.styleKey}` : ''}`;
      const infoById = new Map(infos.map((i) => [i.runId as string, i]));
      haystack = new Map(
        styles.list.map((s) => {
          const info = infoById.get(s.runId);
          const values = info ? styles.keys.map((k) => `${k}=${keyValue(info, k)}`).join(' ') : '';
          return [s.runId as string, `${s.label} ${s.name} ${values}`.toLowerCase()];
        }),
      );
      runFocus.setFilter(filter.value, haystack);
      entries.clear();
      const groups = new Map<string, RunStyle[]>();
      for (const s of styles.list) groups.set(s.group ?? '', [...(groups.get(s.group ?? '') ?? []), s]);
      const children: HTMLElement[] = [];
      for (const [group, members] of groups) {
        if (group) {
          const header = el('div', 'legend-group', group);
          header.setAttribute('role', 'listitem');
          children.push(header);
        }
        for (const s of members) {
          const item = el('div', 'legend-item');
          item.setAttribute('role', 'listitem');
          item.dataset.runId = s.runId;
          const box = el('input');
          box.type = 'checkbox';
          box.checked = !runFocus.isHidden(s.runId);
          box.setAttribute('aria-label', `Show ${s.label}`);
          box.addEventListener('change', () => runFocus.setHidden(s.runId, !box.checked));
          const button = el('button', 'legend-entry');
          button.type = 'button';
          button.title = `${s.name}\nClick: show only this run (again: all). Hover: highlight it in every chart.`;
          button.append(swatch(s), el('span', 'legend-label', s.label));
          button.addEventListener('click', () => runFocus.toggleIsolate(s.runId));
          const on = (): void => runFocus.setHighlight(s.runId);
          const off = (): void => {
            if (runFocus.highlight === s.runId) runFocus.setHighlight(undefined);
          };
          button.addEventListener('mouseenter', on);
          button.addEventListener('focus', on);
          button.addEventListener('mouseleave', off);
          button.addEventListener('blur', off);
          item.append(box, button);
          entries.set(s.runId, { item, button, box });
          children.push(item);
        }
      }
      list.replaceChildren(...children);
      refreshState();
    },
  };
}
