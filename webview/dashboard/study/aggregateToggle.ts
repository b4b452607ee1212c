/** The "Aggregate repeats/folds" checkbox of the Curves and Layers tabs, and the subtitle of an aggregated chart. */
import { checkbox } from '../controls';

export function aggregateToggle(checked: boolean, onChange: (on: boolean) => void, id: string): HTMLElement {
  const box = checkbox('Aggregate repeats/folds', checked, onChange, id);
  box.title = 'Draw each group of runs that differ only in repeat or fold as its mean with a ± 1 std band';
  return box;
}

/** "3 groups of 12 runs · mean ± std over repeats/folds · smoothing 0.60 (each run, then averaged)". */
export function aggregateSubtitle(groups: number, runs: number, smoothing?: number): string {
  const smooth =
    smoothing === undefined
      ? ''
      : smoothing > 0
        ? ` · smoothing ${smoothing.toFixed(2)} (each run, then averaged)`
        : ' · raw values';
  return `${groups} group${groups === 1 ? '' : 's'} of ${runs} run${runs === 1 ? '' : 's'} · band: mean ± std over repeats/folds${smooth}`;
}
