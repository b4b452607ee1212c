/**
 * axe-core (from npm, injected into the page; offline) on every dashboard tab and the sidebar: no serious or
 * critical violations. Run on the real recorded stream.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DASHBOARD_TABS } from '../../src/protocol/webview';
import { readStream, waitSettled, useBrowser } from './harness';

const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const fx = useBrowser();

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

async function serious(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

describe('accessibility (axe-core)', () => {
  for (const tab of DASHBOARD_TABS) {
    test(`dashboard tab ${tab}: no serious or critical violations`, async () => {
      const messages = readStream('snn-vs-relu');
      const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(fx.server.url('dashboard', 'snn-vs-relu'));
      await waitSettled(page, messages.length);
      await page.click(`[role="tab"][data-tab="${tab}"]`);
      await page.waitForFunction((t) => window.__snnLab?.ui().tab === t, tab);
      await waitSettled(page, messages.length);
      assert.deepEqual(await serious(page), []);
      await page.close();
    });
  }

  test('Study tab with a recorded study (table, plot, comparison, DeLong rows): no serious or critical violations', async () => {
    const unasked = readStream('study').filter((m) => m.type !== 'study' && m.type !== 'predictions').length;
    const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(fx.server.url('dashboard', 'study'));
    await waitSettled(page, unasked);
    await page.click('[role="tab"][data-tab="study"]');
    await page.waitForFunction(() => (window.__snnLab?.study()?.rows.length ?? 0) > 0);
    await page.evaluate(() => {
      const metric = document.getElementById('study-compare-metric') as HTMLElement & { value: string };
      metric.value = 'test_auc';
      metric.dispatchEvent(new Event('change'));
    });
    await page.click('#study-delong');
    await page.waitForFunction(() => (window.__snnLab?.study()?.delong?.length ?? 0) > 0);
    await page.waitForFunction(() => window.__snnLab!.settled());
    assert.deepEqual(await serious(page), []);
    await page.close();
  });

  test('sidebar: no serious or critical violations', async () => {
    const page = await fx.browser.newPage({ viewport: { width: 300, height: 700 } });
    await page.goto(fx.server.url('sidebar', 'snn-vs-relu.sidebar'));
    await page.waitForFunction(() => document.querySelectorAll('.run').length > 0);
    assert.deepEqual(await serious(page), []);
    await page.close();
  });
});
