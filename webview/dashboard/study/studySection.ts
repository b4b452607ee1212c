/** What the Study tab's sections (plot, comparison) get from the tab: theme, export, settings and the host. */
import type { WebviewToHost } from '../../../src/protocol/webview';
import type { Theme } from '../../shared/theme';
import type { SaveFile } from '../charts/card';
import type { StudyUi } from './studyUi';

export interface StudySectionContext {
  theme: Theme;
  save: SaveFile;
  /** Changes the Study tab's settings (persisted; the tab re-renders). */
  update: (patch: Partial<StudyUi>) => void;
  post: (message: WebviewToHost) => void;
}

/** A section heading and its region (landmark with that name). */
export function section(id: string, title: string): { element: HTMLElement; heading: HTMLElement } {
  const element = document.createElement('section');
  element.className = 'study-section';
  const heading = document.createElement('h2');
  heading.id = `${id}-heading`;
  heading.textContent = title;
  element.setAttribute('aria-labelledby', heading.id);
  element.append(heading);
  return { element, heading };
}
