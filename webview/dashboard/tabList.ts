/**
 * The dashboard's tabs as the WAI-ARIA tabs pattern: one tab stop (the selected tab), Left/Right/Home/End move to
 * and select a tab (automatic activation), Space and Enter select the focused tab, each tab controls its panel.
 */
import type { DashboardTab } from '../../src/protocol/webview';
import { DASHBOARD_TABS } from '../../src/protocol/webview';
import { el } from './controls';

/** Tab titles: full, and short for sidebar-width panels (CSS shows one of the two). */
const TITLES: Record<DashboardTab, [string, string]> = {
  curves: ['Curves', 'Curves'],
  layers: ['Layers', 'Layers'],
  distributions: ['Distributions', 'Dist.'],
  fixedPoint: ['Fixed point', 'Fixed pt'],
  study: ['Study', 'Study'],
  theory: ['Theory explorer', 'Theory'],
};

export interface TabList {
  list: HTMLElement;
  panels: Map<DashboardTab, HTMLElement>;
  /** Marks `tab` selected (without calling onSelect). */
  show(tab: DashboardTab): void;
}

export function createTabList(initial: DashboardTab, onSelect: (tab: DashboardTab) => void): TabList {
  const list = el('div', 'tablist');
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', 'Dashboard views');
  const tabs = new Map<DashboardTab, HTMLButtonElement>();
  const panels = new Map<DashboardTab, HTMLElement>();
  const show = (tab: DashboardTab): void => {
    for (const [id, button] of tabs) {
      const on = id === tab;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      const panel = panels.get(id);
      if (panel) panel.hidden = !on;
    }
  };
  const select = (tab: DashboardTab, focus: boolean): void => {
    show(tab);
    if (focus) tabs.get(tab)?.focus();
    onSelect(tab);
  };
  for (const id of DASHBOARD_TABS) {
    const button = el('button', 'tab');
    button.type = 'button';
    button.id = `tab-${id}`;
    button.dataset.tab = id;
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-controls', `panel-${id}`);
    button.title = TITLES[id][0];
    button.append(el('span', 'title-long', TITLES[id][0]), el('span', 'title-short', TITLES[id][1]));
    button.addEventListener('click', () => select(id, false));
    button.addEventListener('keydown', (e) => {
      const i = DASHBOARD_TABS.indexOf(id);
      const n = DASHBOARD_TABS.length;
      const to =
        e.key === 'ArrowRight'
          ? DASHBOARD_TABS[(i + 1) % n]
          : e.key === 'ArrowLeft'
            ? DASHBOARD_TABS[(i - 1 + n) % n]
            : e.key === 'Home'
              ? DASHBOARD_TABS[0]
              : e.key === 'End'
                ? DASHBOARD_TABS[n - 1]
                : e.key === ' ' || e.key === 'Enter'
                  ? id
                  : undefined;
      if (to === undefined) return;
      e.preventDefault();
      select(to, true);
    });
    const panel = el('section', 'tabpanel');
    panel.id = `panel-${id}`;
    panel.dataset.tab = id;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', button.id);
    tabs.set(id, button);
    panels.set(id, panel);
    list.append(button);
  }
  show(initial);
  return { list, panels, show };
}
