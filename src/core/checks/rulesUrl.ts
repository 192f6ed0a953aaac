/**
 * Where each rule is explained: README's section named after the code (diagnostics' code links,
 * SARIF helpUri). A module of its own, so the Problems panel can link a restored finding's code
 * without loading the rules (scripts/build/lazyCore.mjs).
 */
export const RULES_URL = 'https://github.com/pki-lens/pki-lens#';
