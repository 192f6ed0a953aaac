// Journey 1, reusable: open a kubeconfig, hover certificate-authority-data and client-certificate-data.
import assert from 'node:assert/strict';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { openWorkbench, openFile, hoverText, screenshot } from '../../scripts/vscode/ui.mjs';
import { generate } from './fixtures.mjs';

/** Journey 1 against a given extension install: the dev folder, or a .vsix (the packaging test). */
export async function hoverJourney({ vsix, label }) {
  const m = generate('carriers');
  const [rel, facts] = Object.entries(m.files).find(([name, f]) => f.kind === 'kubeconfig' && name.endsWith('.yaml') && !name.includes('/'));
  const ca = facts.carriers.find(c => c.path.endsWith('certificate-authority-data')).certificates[0];
  const client = facts.carriers.find(c => c.path.endsWith('client-certificate-data') && c.certificates?.[0]?.san.length).certificates[0];
  assert.ok(client.san.length > 0, 'the fixture has a client certificate with SANs');
  const wb = await openWorkbench({ folder: m.root, ...(vsix ? { vsix } : { extensionDevelopmentPath: REPO_ROOT }), label });
  let ok = false;
  try {
    await openFile(wb.page, rel);
    const caHover = await hoverText(wb.page, 'certificate-authority-data', { expect: 'Subject', timeout: 30000 });
    assert.ok(caHover.includes(ca.subject), `CA subject ${ca.subject} in:\n${caHover}`);
    assert.match(caHover, /Valid/);
    assert.match(caHover, /expires in \d+ (days|years)/);
    const shot = await screenshot(wb.page, `${label}-ca-hover`);
    const clientHover = await hoverText(wb.page, 'client-certificate-data', { expect: 'TLS Web Client Authentication', timeout: 30000 });
    for (const san of client.san) {
      assert.ok(clientHover.includes(san.replace(/^IP Address:/, 'IP:')), `SAN ${san} in:\n${clientHover}`);
    }
    const clientShot = await screenshot(wb.page, `${label}-client-hover`);
    ok = true;
    return { shots: [shot, clientShot] };
  } finally {
    await wb.close({ keep: !ok });
  }
}

