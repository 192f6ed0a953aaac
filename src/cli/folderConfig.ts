/**
 * The settings `pki-lens check` takes from a scanned folder, so the command line judges a folder
 * as the editor does: `.pki-lens.json` (`{"rules": {"san-missing": "off"}}`) when present, else
 * the `pkiLens.*` entries of `.vscode/settings.json` (JSON with comments, read with Microsoft's
 * jsonc-parser, the parser VS Code itself uses). Today: `pkiLens.rules.<code>`.
 */
import fs = require('node:fs');
import path = require('node:path');
import { ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { CHECK_CODES, RuleSettings } from '../core/checks';
import { ruleSettingsFrom } from '../core/checks/ruleSettings';

export interface FolderConfig {
  /** The file the settings came from, undefined when the folder has none. */
  source?: string;
  rules: RuleSettings;
  /** What could not be used, located: `.vscode/settings.json:4:3: …`. Never fatal. */
  problems: string[];
}

const KNOWN_CODES = new Set(Object.keys(CHECK_CODES));

/** The first of `.pki-lens.json`, `.vscode/settings.json` in `folder` that exists. */
export function readFolderConfig(folder: string): FolderConfig {
  for (const [name, prefix] of [['.pki-lens.json', ''], [path.join('.vscode', 'settings.json'), 'pkiLens.']] as const) {
    const file = path.join(folder, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const errors: ParseError[] = [];
    const value: unknown = parse(text, errors, { allowTrailingComma: true });
    const problems = errors.map(e => `${file}:${position(text, e.offset)}: ${printParseErrorCode(e.error)}`);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { source: file, rules: {}, problems: [...problems, `${file}: expected a JSON object`] };
    }
    const { rules, problems: ruleProblems } = ruleSettingsFrom(value as Record<string, unknown>, KNOWN_CODES, prefix);
    return { source: file, rules, problems: [...problems, ...ruleProblems.map(p => `${file}: ${p}`)] };
  }
  return { rules: {}, problems: [] };
}

/** `line:column`, both from 1, of an offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}
