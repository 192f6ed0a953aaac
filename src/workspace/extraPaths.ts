// `pkiLens.scan.extraKubeconfigs`: files outside the workspace the index reads too (issue 14: the
// `~/.kube/config` that still holds the old admin certificate). No vscode and no Node import, so
// the unit tests run it as it is; the index turns the paths into URIs.

/**
 * The absolute path a setting entry names: `~` and `~/…` are the home folder; any other entry must
 * be absolute already (a relative path means nothing outside a workspace). Undefined for entries
 * that name nothing: empty, relative, `~user/…`, or `~` without a home (the browser has none).
 */
export function expandExtraPath(entry: string, home: string | undefined): string | undefined {
  const trimmed = entry.trim();
  if (trimmed === '~' || trimmed.startsWith('~/') || trimmed.startsWith('~\\')) {
    return home ? home.replace(/[\\/]+$/, '') + trimmed.slice(1) : undefined;
  }
  return isAbsolute(trimmed) ? trimmed : undefined;
}

/** The distinct absolute paths of the setting, in its order. */
export function expandExtraPaths(entries: readonly string[], home: string | undefined): string[] {
  const out = new Set<string>();
  for (const entry of entries) {
    const file = typeof entry === 'string' ? expandExtraPath(entry, home) : undefined;
    if (file) {
      out.add(file);
    }
  }
  return [...out];
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}
