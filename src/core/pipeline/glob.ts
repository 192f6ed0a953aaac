/** Windows and macOS file systems ignore case, and so does VS Code's glob matching there. */
const CASE_INSENSITIVE_FS = typeof process !== 'undefined' && (process.platform === 'win32' || process.platform === 'darwin');

/**
 * The subset of VS Code's glob syntax the scan settings use (`**`, `*`, `?`, `{a,b}`, `[...]`),
 * compiled to a RegExp. findFiles applies the globs itself during a scan; this is for the events
 * that come without a search (watcher, editor): is this path one the scan would have read?
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    switch (ch) {
      case '*':
        if (glob[i + 1] === '*') {
          // `**/` matches any number of folders, including none; a trailing `**` matches anything.
          const slash = glob[i + 2] === '/';
          re += slash ? '(?:[^/]*/)*' : '.*';
          i += slash ? 2 : 1;
        } else {
          re += '[^/]*';
        }
        break;
      case '?':
        re += '[^/]';
        break;
      case '{':
        braces++;
        re += '(?:';
        break;
      case '}':
        if (braces) {
          braces--;
          re += ')';
        } else {
          re += '\\}';
        }
        break;
      case ',':
        re += braces ? '|' : ',';
        break;
      case '[': {
        const close = glob.indexOf(']', i + 1);
        if (close < 0) {
          re += '\\[';
        } else {
          const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
          re += `[${body}]`;
          i = close;
        }
        break;
      }
      default:
        re += /[.+^$()|\\]/.test(ch) ? `\\${ch}` : ch;
    }
  }
  return new RegExp(`^${re}$`, CASE_INSENSITIVE_FS ? 'i' : '');
}

/** Include/exclude globs compiled once; `matches` takes a `/`-separated path relative to its workspace folder. */
export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }

  matches(relativePath: string): boolean {
    return this.include.some(r => r.test(relativePath)) && !this.exclude.some(r => r.test(relativePath));
  }

  /** Is everything below this folder excluded (`**\/node_modules/**`)? Then a walk need not enter it. */
  excludesFolder(relativePath: string): boolean {
    return this.exclude.some(r => r.test(`${relativePath}/`));
  }
}

/** `**\/*.{pem,crt}` → `**\/*.pem`, `**\/*.crt` (nested groups too), so several globs can be joined into one `{…}` search. */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) {
    return [glob];
  }
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '{') {
      depth++;
    } else if (ch === '}' && --depth === 0) {
      const parts: string[] = [];
      let from = open + 1;
      for (const c of [...commas, i]) {
        parts.push(glob.slice(from, c));
        from = c + 1;
      }
      const rest = expandBraces(glob.slice(i + 1));
      const head = glob.slice(0, open);
      return parts.flatMap(expandBraces).flatMap(p => rest.map(r => head + p + r));
    } else if (ch === ',' && depth === 1) {
      commas.push(i);
    }
  }
  return [glob]; // unbalanced: leave it to the search to reject
}
