// Helpers for UI journeys (test/ui/*): open a real VS Code workbench with the extension loaded and
// drive it like a user would (Quick Open, hover, F1 commands, Problems panel, notifications).
// Every wait is on a DOM condition with a timeout, so a broken journey fails with a message, not a hang.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, ensureRuntime } from './runtime.mjs';
import { log, startCodeServer, launchChromium, workbenchUrl, installVsix } from './workbench.mjs';
import { hostLogComplaints } from './hostLog.mjs';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
export const SCREENSHOTS = path.join(RESULTS_DIR, 'screenshots');
const QUICK_INPUT = '.quick-input-widget:not([style*="display: none"])';

/** Polls fn() until it returns a truthy value (which is returned); throws `what` after timeout ms. */
export async function waitUntil(fn, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = undefined; if (Date.now() > end) { throw e; } }
    if (last) { return last; }
    if (Date.now() > end) { throw new Error(`timed out after ${timeout} ms waiting for ${what}`); }
    await new Promise(r => setTimeout(r, interval));
  }
}

/**
 * Opens the workbench with `folder` and the extension, either as a development extension
 * (extensionDevelopmentPath; needs the smoke-test driver, which hides notification toasts) or installed
 * from a .vsix (vsix; a normal production workbench). env reaches the extension host.
 * Resolves { page, context, server, dataDir, close({ keep }) }; close() deletes the data dir unless keep
 * (or PKI_LENS_KEEP_RUNS) is set — pass keep: true when the journey failed. Without keep, close()
 * throws when the extension host logged a warning or an error of PKI Lens's.
 */
export async function openWorkbench({ folder, extensionDevelopmentPath, vsix, env = {}, settings = {}, label = 'ui' } = {}) {
  if (!!extensionDevelopmentPath === !!vsix) { throw new Error('openWorkbench needs exactly one of extensionDevelopmentPath or vsix'); }
  await ensureRuntime();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(RESULTS_DIR, `ui-${label.replace(/[^\w.-]+/g, '_').slice(0, 40)}-`));
  let server, context;
  const close = async ({ keep = false } = {}) => {
    await context?.close().catch(() => {});
    await server?.stop();
    // A journey that passed fails here when the extension host logged PKI Lens's warnings or errors (hostLog.mjs).
    const complaints = keep ? [] : hostLogComplaints(dataDir);
    if (keep || complaints.length || process.env.PKI_LENS_KEEP_RUNS) { log(`UI run data kept in ${dataDir}`); } else { fs.rmSync(dataDir, { recursive: true, force: true }); }
    if (complaints.length) {
      throw new Error(`the extension host logged ${complaints.length} warning(s) or error(s) of PKI Lens:\n${complaints.join('\n')}`);
    }
  };
  try {
    if (vsix) { log(await installVsix(vsix, dataDir)); }
    server = await startCodeServer({ dataDir, folder, env, settings, smokeTestDriver: !vsix });
    context = await launchChromium(path.join(dataDir, 'chromium-profile'));
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', e => log('page error:', e.message));
    await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer listing the folder means the workspace (and the remote extension host) is up.
    if (folder) { await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 }); }
    return { page, context, server, dataDir, close };
  } catch (e) {
    await close({ keep: true });
    throw e;
  }
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P) and waits until its editor tab is active.
 * Quick Open's first file search in a new window can come back empty when the machine is busy
 * (seen at load 17 on 2 cores: no row after 15 s), and it does not search again by itself; so the
 * query is typed again every searchEvery ms until the row appears or the deadline passes.
 */
export async function openFile(page, relPath, { timeout = 60000, searchEvery = 10000 } = {}) {
  const name = path.posix.basename(relPath);
  const end = Date.now() + timeout;
  await page.keyboard.press('Control+P');
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ timeout });
  // Pick the row for exactly this file (Quick Open also lists similar names and recent files).
  const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({ has: page.locator('.label-name', { hasText: name }) });
  for (;;) {
    await input.fill('');
    await input.fill(relPath);
    const left = end - Date.now();
    try {
      await row.first().waitFor({ timeout: Math.max(1000, Math.min(searchEvery, left)) });
      break;
    } catch (e) {
      if (Date.now() >= end) { throw e; }
      log(`Quick Open has no row for ${relPath} yet; searching again`);
    }
  }
  await row.first().click();
  await page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout });
  await page.locator('.part.editor .monaco-editor .view-line').first().waitFor({ timeout });
}

/** Viewport box of the first visible occurrence of `text` in the editor area, or null. */
function findTextBox(page, text) {
  return page.evaluate((needle) => {
    // A line is split into token <span>s; join its text nodes and map the match back onto them.
    // VS Code renders spaces as U+00A0, so compare with those turned into plain spaces.
    for (const line of document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')) {
      const nodes = [];
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push(n); }
      const full = nodes.map(n => n.textContent).join('').replace(/\u00a0/g, ' ');
      const at = full.indexOf(needle);
      if (at < 0) { continue; }
      // A start offset at the very end of a node belongs to the next node: otherwise the range's first
      // rectangle is a zero-width sliver at the end of the preceding (indentation) span.
      const locate = (offset, isEnd) => {
        for (const n of nodes) {
          if (offset < n.textContent.length || (isEnd && offset === n.textContent.length)) { return [n, offset]; }
          offset -= n.textContent.length;
        }
        return [nodes[nodes.length - 1], nodes[nodes.length - 1].textContent.length];
      };
      const range = document.createRange();
      range.setStart(...locate(at, false));
      range.setEnd(...locate(at + needle.length, true));
      const r = [...range.getClientRects()].find(rect => rect.width > 0) || range.getBoundingClientRect();
      if (r.width > 0) { return { x: r.x + Math.min(r.width / 2, 20), y: r.y + r.height / 2 }; }
    }
    return null;
  }, text);
}

/**
 * Hovers the first visible occurrence of `text` in the active editor and returns the hover's text.
 * The pointer goes to the middle of the match, or 20 px into it when the match is long, so it lands
 * on the match's first word. If the text is scrolled out of view, the editor's find widget reveals it first.
 * expect (string or RegExp): keep waiting until the hover contains it (hover providers answer at
 * different speeds); without it the text is returned once it stops changing.
 */
export async function hoverText(page, text, { expect, timeout = 15000 } = {}) {
  // A hover left open by an earlier call can cover the text and keep the editor from re-rendering under it.
  await page.keyboard.press('Escape');
  await page.mouse.move(1, 1);
  await page.locator('.monaco-hover:not(.hidden)').waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
  let box = await findTextBox(page, text);
  if (!box) {
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type(text);
    await page.keyboard.press('Escape');
    box = await waitUntil(() => findTextBox(page, text), { timeout, what: `"${text}" in the editor` });
  }
  const hover = page.locator('.monaco-hover:not(.hidden)');
  const matches = t => !expect || (expect instanceof RegExp ? expect.test(t) : t.includes(expect));
  const end = Date.now() + timeout;
  let textNow = '';
  // Re-hover a few times: a hover can be dismissed by a late re-render or not appear on the first move.
  while (Date.now() < end) {
    await page.mouse.move(1, 1);
    box = (await findTextBox(page, text)) || box;
    await page.mouse.move(box.x - 4, box.y);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    try {
      let previous = null;
      textNow = await waitUntil(async () => {
        const t = (await hover.allInnerTexts()).join('\n').trim();
        if (!t || !matches(t)) { return null; }
        if (expect || t === previous) { return t; }
        previous = t; // no expectation: accept once two polls agree
        return null;
      }, { timeout: Math.min(5000, Math.max(500, end - Date.now())), interval: 250, what: 'hover' });
      return textNow;
    } catch { /* try again */ }
  }
  throw new Error(`no hover${expect ? ` containing ${expect}` : ''} over "${text}" within ${timeout} ms (last: ${JSON.stringify(textNow)})`);
}

/**
 * Runs a command by its palette title via F1 (clicks the row whose title matches exactly when there is one).
 * The palette lists the commands it knows when it opens: if the extension's contributions reach the
 * workbench after that (a loaded machine, a workbench still starting), it says "No matching commands"
 * and never looks again — so the palette is closed and opened anew every `searchEvery` ms until `timeout`.
 */
export async function runCommand(page, title, { timeout = 60000, searchEvery = 10000 } = {}) {
  const end = Date.now() + timeout;
  const input = page.locator(`${QUICK_INPUT} input`);
  const rows = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`);
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: Math.max(1000, end - Date.now()) });
    await input.fill(`>${title}`);
    try {
      await rows.filter({ hasText: title }).first().waitFor({ timeout: Math.max(1000, Math.min(searchEvery, end - Date.now())) });
      break;
    } catch (e) {
      if (Date.now() >= end) { throw e; }
      log(`the command palette has no row for "${title}" yet; opening it again`);
      await page.keyboard.press('Escape');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
    }
  }
  await ((await exact.count()) ? exact.first() : rows.filter({ hasText: title }).first()).click();
  // The palette closes, or the command opens its own quick pick in the same widget (the input no longer holds ">title").
  // The widget can close between the visibility check and the read: a read that finds no input means it closed
  // (without the short timeout, inputValue would wait for an input that never comes back).
  await waitUntil(async () => {
    if (!(await page.locator(QUICK_INPUT).isVisible())) { return true; }
    const value = await input.inputValue({ timeout: 500 }).catch(() => undefined);
    return value === undefined || !value.startsWith('>');
  }, { timeout, what: `"${title}" to run` });
}

/**
 * Opens Quick Fix at the cursor and returns the row of the action titled `title` (a substring).
 * The action widget is filled from the code actions known when it opens; on a loaded machine it can
 * open before the diagnostic at the cursor has reached the editor and then never lists the fix —
 * so it is closed and opened again every `every` ms until `timeout`.
 */
export async function quickFix(page, title, { timeout = 60000, every = 8000 } = {}) {
  const end = Date.now() + timeout;
  const row = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await runCommand(page, 'Quick Fix...', { timeout: Math.max(5000, end - Date.now()) });
    try {
      await row.waitFor({ timeout: Math.max(1000, Math.min(every, end - Date.now())) });
      return row;
    } catch (e) {
      if (Date.now() >= end) { throw e; }
      log(`Quick Fix does not list "${title}" yet; asking again`);
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Opens the Problems panel (Ctrl+Shift+M) and returns its rows' texts (file rows and marker rows).
 * until(rows) → truthy: keep reading until it holds (diagnostics arrive asynchronously).
 */
export async function readProblems(page, { until = rows => rows.length > 0, timeout = 15000 } = {}) {
  if (!(await page.locator('.markers-panel').isVisible())) { await page.keyboard.press('Control+Shift+M'); }
  await page.locator('.markers-panel').waitFor({ timeout });
  const rows = page.locator('.markers-panel .monaco-list-row');
  let last = [];
  try {
    return await waitUntil(async () => {
      await keepFilter(page);
      last = await rows.allInnerTexts();
      return until(last) ? last : null;
    }, { timeout, what: 'Problems rows' });
  } catch (e) {
    throw new Error(`${e.message}; rows were ${JSON.stringify(last)}`);
  }
}

/**
 * Types `text` into the Problems panel's filter box (the list is virtualised: only rows on screen
 * exist in the DOM, so journeys narrow it down the way a user would). Opens the panel if needed.
 */
export async function filterProblems(page, text, { timeout = 15000 } = {}) {
  if (!(await page.locator('.markers-panel').isVisible())) { await page.keyboard.press('Control+Shift+M'); }
  const filter = page.locator('.panel .viewpane-filter input').first();
  await filter.waitFor({ timeout });
  wantedFilters.set(page, text);
  await filter.fill(text);
}

/** The filter each page's journey typed last: readProblems puts it back where the workbench dropped it. */
const wantedFilters = new WeakMap();

/**
 * A filter typed while the Problems view was still settling (the first findings of a start arrive
 * in batches) came back empty once in a fresh-clone run; a user would type it again, so does this.
 */
async function keepFilter(page) {
  const wanted = wantedFilters.get(page);
  const input = page.locator('.panel .viewpane-filter input').first();
  if (wanted !== undefined && await input.isVisible() && (await input.inputValue()) !== wanted) {
    await input.fill(wanted);
  }
}

/**
 * Opens the notification centre and returns each notification's text (message first, then source/buttons).
 * The centre holds toasts too, so this works with the smoke-test driver, which suppresses toasts.
 * until(list) → truthy: keep reading until it holds.
 */
export async function notifications(page, { until = list => list.length > 0, timeout = 15000 } = {}) {
  const center = page.locator('.notifications-center.visible');
  if (!(await center.isVisible())) { await page.locator('[id="status.notifications"]').first().click(); }
  await center.waitFor({ timeout });
  const items = page.locator('.notifications-center .notification-list-item');
  let last = [];
  try {
    return await waitUntil(async () => { last = await items.allInnerTexts(); return until(last) ? last : null; }, { timeout, what: 'notifications' });
  } catch (e) {
    throw new Error(`${e.message}; notifications were ${JSON.stringify(last)}`);
  }
}

/** Saves a PNG of the page as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
