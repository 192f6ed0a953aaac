import vscode = require('vscode');

/** A fresh nonce per page: the only script allowed to run is the one carrying it. */
function nonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The webview's page: a strict Content-Security-Policy (nothing remote, no inline script or style,
 * one nonce'd script), the script and stylesheet from media/timeline, colours from VS Code's theme
 * variables (light, dark and high contrast come for free).
 */
export function timelineHtml(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'timeline.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'timeline.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>PKI Lens: Expiry Timeline</title>
</head>
<body>
<div id="app" aria-busy="true">Loading the workspace's certificates…</div>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}
