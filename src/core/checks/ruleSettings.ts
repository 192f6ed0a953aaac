/**
 * Per-folder rule settings (`pkiLens.rules.<code>`: off | information | warning | error), applied
 * in `runChecks` so the Problems panel and `pki-lens check` — both on the one pipeline — agree.
 * The editor reads them through the settings service; the CLI from `.pki-lens.json` or
 * `.vscode/settings.json` of the scanned folder (src/cli/ruleConfig.ts).
 */
import type { CheckCode, Finding, RuleLevel, RuleSettings } from './finding';

export type { RuleLevel, RuleSettings } from './finding';

export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'information', 'warning', 'error'];

export function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (RULE_LEVELS as readonly string[]).includes(value);
}

/**
 * The finding as the settings of its file want it: undefined when its rule is off there; the
 * level as its severity when one is set (it replaces the rule's own, cert-expiring's escalation
 * to error inside errorDays included).
 */
export function applyRuleSettings(f: Finding, settings: RuleSettings | undefined): Finding | undefined {
  const level = settings?.[f.code];
  if (!level) {
    return f;
  }
  return level === 'off' ? undefined : level === f.severity ? f : { ...f, severity: level };
}

/**
 * Rule settings from a parsed configuration object, either nested (`{"rules": {"san-missing":
 * "off"}}` in `.pki-lens.json`, `{"pkiLens.rules": {…}}` in settings.json) or dotted
 * (`"pkiLens.rules.san-missing": "off"`, as VS Code writes it). Unknown codes and levels are
 * reported (where, what), never thrown, and left out.
 */
export function ruleSettingsFrom(config: Record<string, unknown>, knownCodes: ReadonlySet<string>, prefix: string): { rules: RuleSettings; problems: string[] } {
  const rules: RuleSettings = {};
  const problems: string[] = [];
  const take = (code: string, value: unknown, key: string) => {
    if (!knownCodes.has(code)) {
      problems.push(`${key}: unknown rule "${code}"`);
    } else if (!isRuleLevel(value)) {
      problems.push(`${key}: ${JSON.stringify(value)} is not one of ${RULE_LEVELS.join(', ')}`);
    } else {
      rules[code as CheckCode] = value;
    }
  };
  const nested = config[`${prefix}rules`];
  if (nested !== undefined) {
    if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
      for (const [code, value] of Object.entries(nested)) {
        take(code, value, `${prefix}rules.${code}`);
      }
    } else {
      problems.push(`${prefix}rules: expected an object of rule codes`);
    }
  }
  const dotted = `${prefix}rules.`;
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(dotted)) {
      take(key.slice(dotted.length), value, key);
    }
  }
  return { rules, problems };
}
