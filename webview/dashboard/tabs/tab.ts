/** The contract between the dashboard shell (main.ts) and each tab module. */
import type { WebviewToHost } from '../../../src/protocol/webview';
import type { DashboardData } from '../../shared/store';
import type { Theme } from '../../shared/theme';
import type { SaveFile } from '../charts/card';
import type { RunStyles } from '../runStyles';
import type { UiState } from '../uiState';

export interface TabContext {
  save: SaveFile;
  theme: Theme;
  /** Current settings (read at render time). */
  ui: () => UiState;
  /** Changes settings; the shell persists them and re-renders the active tab. */
  update: (patch: Partial<UiState>) => void;
  /** Colour, dash, marker and label of each compared run (the same in every tab and in the legend). */
  styles: () => RunStyles;
  /** Sends a message to the host (the Study tab asks for a study's runs and predictions). */
  post: (message: WebviewToHost) => void;
  /** Asks for another render of the visible tab (a tab that left part of its first render for later). */
  redraw: () => void;
}

export interface TabView {
  readonly root: HTMLElement;
  /** Draws the tab from the data and the current settings. Called only while the tab is visible. */
  render(data: DashboardData): void;
  /** True while the tab still has part of its last render to draw (the page is not settled). */
  pending?(): boolean;
  destroy(): void;
}
