/**
 * The step chooser shared by the Layers, Distributions and Fixed point tabs: a slider over the reported steps and a
 * "Follow live" checkbox (on by default: the newest step is shown as it arrives; Aim#2832 asks for exactly this).
 */
import type { RunView } from '../../shared/store';
import { checkbox, el, select, setChecked, slider } from '../controls';
import { frameSteps, resolveStep } from '../selectors';
import { effectiveQuantity, hasLinear, QUANTITY_LABELS } from '../quantity';
import type { Quantity } from '../uiState';
import type { TabContext } from './tab';

export interface StepControl {
  element: HTMLElement;
  /** Updates the slider range for `runs` and returns the step to draw. */
  sync(runs: readonly RunView[]): number;
}

export function stepControl(ctx: TabContext, idPrefix: string): StepControl {
  let steps: number[] = [];
  const wrap = el('div', 'toolbar');
  const s = slider({
    id: `${idPrefix}-step`,
    label: 'Step',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    format: (i) => String(steps[i] ?? '—'),
    valueText: (i) => (steps[i] === undefined ? 'no step' : `step ${steps[i]}`),
    onInput: (i) => ctx.update({ step: steps[i] ?? 'live' }),
  });
  const live = checkbox(
    'Follow live',
    ctx.ui().step === 'live',
    (v) => {
      ctx.update({ step: v ? 'live' : resolveStep([], steps.at(-1) ?? 0) });
    },
    `${idPrefix}-live`,
  );
  wrap.append(s.element, live);
  return {
    element: wrap,
    sync(runs) {
      steps = frameSteps(runs);
      const chosen = resolveStep(runs, ctx.ui().step);
      let index = steps.findIndex((x) => x >= chosen);
      if (index < 0) index = Math.max(0, steps.length - 1);
      s.set(index, Math.max(0, steps.length - 1));
      setChecked(live, ctx.ui().step === 'live');
      return chosen;
    },
  };
}

/**
 * The Values choice of a statistics tab; each tab keeps its own (`key` in the settings). "Wx + b (before norm)" is
 * offered only while a compared run recorded it (a run with BatchNorm/LayerNorm); `sync` refills the options and
 * returns the series to draw.
 */
export function quantitySelect(
  ctx: TabContext,
  id: string,
  key: 'layersQuantity' | 'distQuantity',
): { element: HTMLElement; sync: (runs: readonly RunView[]) => Quantity } {
  const options = (withLinear: boolean): { value: Quantity; label: string }[] =>
    (withLinear ? QUANTITIES : QUANTITIES.filter((q) => q !== 'linear')).map((q) => ({
      value: q,
      label: QUANTITY_LABELS[q],
    }));
  const s = select<Quantity>(
    'Values',
    options(false),
    ctx.ui()[key],
    (v) => ctx.update({ [key]: QUANTITIES.includes(v) ? v : 'post' }),
    id,
  );
  let shown = '';
  return {
    element: s.element,
    sync(runs) {
      const withLinear = runs.some(hasLinear);
      const q = effectiveQuantity(ctx.ui()[key], runs);
      const next = `${withLinear} ${q}`;
      if (next !== shown) {
        shown = next;
        s.setOptions(options(withLinear), q);
      }
      return q;
    },
  };
}

const QUANTITIES: readonly Quantity[] = ['post', 'pre', 'linear'];

/** A picker of one compared run (by short label); `sync` refills it when the compared runs change. */
export function runSelect(
  ctx: TabContext,
  label: string,
  id: string,
  onChange: (runId: string) => void,
): { element: HTMLElement; sync: (runs: readonly RunView[], chosen: string) => void } {
  const s = select<string>(label, [{ value: '', label: '—' }], '', onChange, id);
  let key = '';
  return {
    element: s.element,
    sync(runs, chosen) {
      const styles = ctx.styles();
      const options = runs.map((r) => ({
        value: r.info.runId as string,
        label: styles.byId.get(r.info.runId)?.label ?? r.info.name,
      }));
      const value = options.some((o) => o.value === chosen) ? chosen : (options[0]?.value ?? '');
      const next = JSON.stringify([options, value]);
      if (next === key) return;
      key = next;
      s.setOptions(options.length > 0 ? options : [{ value: '', label: '—' }], value);
    },
  };
}
