import vscode = require('vscode');

/** A diagnostic's code as a string (VS Code allows a number, a string or `{ value, target }` for a linked code). */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}
