import { openWorkbench, notifications } from './ui.mjs';
const wb = await openWorkbench({ folder: '/tmp/pk/keys', extensionDevelopmentPath: '/work/main', label: 'decode-shots' });
const { page } = wb;
try {
  await page.setViewportSize({ width: 1500, height: 950 });
  await page.waitForTimeout(3000);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cert.der' }).first().click();
  await page.waitForTimeout(4000);
  await page.frameLocator('iframe.webview').frameLocator('iframe').locator('a').click();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: '/tmp/pk/shots/openastext.png' });
  console.log('NOTES', JSON.stringify(await notifications(page, { timeout: 3000 }).catch(e => String(e))));
} finally {
  await wb.close();
}
