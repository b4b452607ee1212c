/**
 * Headless-Chromium tests of the theory explorer tab driven by keyboard and clicks as a person would: inactive
 * controls disabled, alpha01/lambda01 recognised after moving a slider away and back, the reset control, a window
 * fitted to a fixed point far from (0, 1), readable numbers, a start point added by keyboard, slider value text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { readStream, screenshot, useBrowser, waitSettled, watchProblems } from './harness';

const STREAM = 'snn-vs-relu';
const messages = readStream(STREAM);
const fx = useBrowser();

async function openTheory(): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', STREAM));
  await waitSettled(page, messages.length);
  await page.click('[role="tab"][data-tab="theory"]');
  await page.waitForFunction(() => window.__snnLab?.ui().tab === 'theory');
  await waitSettled(page, messages.length);
  return { page, problems };
}

const readout = async (page: Page): Promise<string> => (await page.textContent('.tab-theory .readout')) ?? '';
const theorem1 = async (page: Page): Promise<string> =>
  (await page.locator('.tab-theory .theorems li').first().textContent()) ?? '';
const disabled = (page: Page, id: string): Promise<boolean> =>
  page.locator(`#${id}`).evaluate((e) => (e as HTMLInputElement).disabled);

/** Presses `key` n times on a focused control and waits for the explorer's state to settle. */
async function press(page: Page, selector: string, key: string, n: number): Promise<void> {
  await page.focus(selector);
  for (let i = 0; i < n; i++) await page.keyboard.press(key);
  await waitSettled(page, messages.length);
}

/** Picks an option of the Parameters select with the keyboard (open, move, choose). */
async function chooseMode(page: Page, label: 'α, λ' | 'target fixed point'): Promise<void> {
  const want = label === 'α, λ' ? 'params' : 'target';
  await page.focus('#theory-mode');
  await page.keyboard.press('Enter');
  await page.keyboard.press(want === 'target' ? 'ArrowDown' : 'ArrowUp');
  await page.keyboard.press('Enter');
  await page.waitForFunction((m) => window.__snnLab!.ui().theory.mode === m, want);
  await waitSettled(page, messages.length);
}

describe('theory explorer (keyboard and mouse)', () => {
  test('the inactive parameter group is disabled; target mode shows the solved α, λ', async () => {
    const { page, problems } = await openTheory();
    assert.equal(await disabled(page, 'theory-alpha'), false);
    assert.equal(await disabled(page, 'theory-targetMean'), true);
    assert.equal(await disabled(page, 'theory-targetVariance'), true);
    await chooseMode(page, 'target fixed point');
    assert.equal(await disabled(page, 'theory-alpha'), true);
    assert.equal(await disabled(page, 'theory-lambda'), true);
    assert.equal(await disabled(page, 'theory-targetVariance'), false);
    // Target (0, 1) solves back to alpha01, lambda01: Theorem 1 applies (it compares within 1e-9, not bit for bit).
    assert.match(await theorem1(page), /conditions hold/);
    // Raise the target variance by 0.1 (20 steps of 0.005): the disabled alpha slider follows the solved value.
    await press(page, '#theory-targetVariance', 'ArrowRight', 20);
    const shownAlpha = await page.textContent('#theory-alpha + output');
    assert.notEqual(shownAlpha, '1.673');
    assert.match(await readout(page), new RegExp(`α = ${(shownAlpha ?? '').slice(0, 4)}`));
    assert.match(await theorem1(page), /not applicable .*the theorem assumes alpha01/);
    // Back to "α, λ": the solved parameters stay (no jump), the target sliders are disabled again.
    await chooseMode(page, 'α, λ');
    assert.equal(await page.textContent('#theory-alpha + output'), shownAlpha);
    assert.equal(await disabled(page, 'theory-targetMean'), true);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('α moved away and back to 1.673 is α01 again; "Reset to α01, λ01" restores the theorem', async () => {
    const { page, problems } = await openTheory();
    assert.match(await theorem1(page), /conditions hold/);
    await press(page, '#theory-alpha', 'ArrowRight', 3);
    assert.match(await theorem1(page), /not applicable .*alpha = 1\.676/);
    await press(page, '#theory-alpha', 'ArrowLeft', 3);
    assert.match(await theorem1(page), /conditions hold/);
    await press(page, '#theory-lambda', 'ArrowLeft', 40);
    assert.match(await theorem1(page), /not applicable/);
    await page.focus('#theory-reset-params');
    await page.keyboard.press('Enter');
    await waitSettled(page, messages.length);
    assert.match(await theorem1(page), /conditions hold/);
    assert.equal(await page.textContent('#theory-lambda + output'), '1.051');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the plane fits a fixed point far from (0, 1) (τ = 1.5) and prints readable numbers', async () => {
    const { page, problems } = await openTheory();
    const text = await readout(page);
    // (0, 1) is the fixed point itself: reached after one application of g, in the singular.
    assert.match(text, /Fixed point \(μ\*, ν\*\) = \(0, 1\) after 1 iteration(?!s)/);
    await press(page, '#theory-tau', 'End', 1);
    const after = await readout(page);
    const fp = /Fixed point \(μ\*, ν\*\) = \((-?[\d.]+), ([\d.]+)\) after \d+ iterations/.exec(after);
    assert.ok(fp, after);
    const [mu, nu] = [Number(fp[1]), Number(fp[2])];
    assert.ok(Math.abs(mu - 0.4268) < 1e-3 && Math.abs(nu - 4.26) < 0.01, `${mu}, ${nu}`);
    // No raw float64 digits anywhere in the readout (4 significant digits at most).
    assert.doesNotMatch(after, /\d\.\d{5,}/);
    const plane = (await page.evaluate(() => window.__snnLab!.charts()))['theory:plane']!;
    assert.ok(plane.y && plane.y[1] > nu && plane.y[0] <= 0.15, `y range ${String(plane.y)}`);
    assert.ok(plane.x && plane.x[1] > mu && plane.x[0] <= -0.6, `x range ${String(plane.x)}`);
    await screenshot(page, 'theory-tau-1.5');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a start point can be added with the keyboard alone; a bad variance is refused with a message', async () => {
    const { page, problems } = await openTheory();
    const count = async () => (await page.evaluate(() => window.__snnLab!.charts()))['theory:plane']!;
    assert.equal((await count()).datasets, 5);
    await page.focus('#theory-start-mu');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0.2');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('-1');
    await page.keyboard.press('Enter');
    assert.match((await page.textContent('.start-inputs [role="alert"]')) ?? '', /ν a number > 0/);
    assert.equal((await count()).datasets, 5);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0.5');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__snnLab!.charts()['theory:plane']?.datasets === 6);
    assert.equal((await count()).labels[4], 'from (0.20, 0.50)');
    assert.equal((await page.textContent('.start-inputs [role="alert"]')) ?? '', '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('theory sliders announce the value they show (aria-valuetext)', async () => {
    const { page } = await openTheory();
    for (const id of ['theory-omega', 'theory-tau', 'theory-alpha', 'theory-lambda']) {
      const [text, shown] = await page
        .locator(`#${id}`)
        .evaluate((e) => [e.getAttribute('aria-valuetext'), e.nextElementSibling?.textContent]);
      assert.ok(text, id);
      assert.equal(text, shown, id);
    }
    await press(page, '#theory-tau', 'ArrowLeft', 2);
    assert.equal(await page.getAttribute('#theory-tau', 'aria-valuetext'), '0.990');
    await page.close();
  });
});
