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

/**
 * A glob as PathFilter tests it: `globToRegExp(glob)` on the whole path, faster for the two shapes
 * nearly every scan setting has. `**\/<name>` with no `/` in the name (`**\/*.pem`, `**\/*~`) can
 * only match the last segment: the name's RegExp is tried on that alone. `**\/<folder>/**`
 * (`**\/node_modules/**`) matches when a segment before the last is the folder. The whole-path
 * RegExp tries its `(?:[^/]*\/)*` at every `/` of the path: half the time of a walk of 51,000 files
 * (27,000 taken) went to the default settings' 13 such tests.
 */
type CompiledGlob = { test: 'name' | 'folder' | 'path'; re: RegExp };

function compileGlob(glob: string): CompiledGlob {
  const rest = glob.startsWith('**/') ? glob.slice(3) : undefined;
  if (rest !== undefined && !rest.includes('/') && !rest.includes('**')) {
    return { test: 'name', re: globToRegExp(rest) };
  }
  const folder = rest?.endsWith('/**') ? rest.slice(0, -3) : undefined;
  if (folder && !folder.includes('/') && !folder.includes('**')) {
    return { test: 'folder', re: globToRegExp(folder) };
  }
  return { test: 'path', re: globToRegExp(glob) };
}

/**
 * One list of globs (the include or the exclude patterns), the globs of each shape merged into one
 * RegExp: the default excludes are five folder names and three name patterns, and a walk of 51,000
 * files tested each folder segment of every path against the five one by one (and split every path
 * into an array to do so): 55 ms of the walk, most of its time after the readdir calls.
 */
interface CompiledList {
  /** The `**\/<name>` globs, tried on the last segment; undefined when the list has none. */
  name: RegExp | undefined;
  /** The `**\/<folder>/**` globs, tried on every segment before the last. */
  folder: RegExp | undefined;
  /** The other globs, each tried on the whole path. */
  paths: RegExp[];
}

function compileList(globs: readonly string[]): CompiledList {
  const names: string[] = [];
  const folders: string[] = [];
  const paths: RegExp[] = [];
  for (const glob of globs) {
    const compiled = compileGlob(glob);
    // globToRegExp writes `^…$` around the glob's body, which has no top-level `|`: an alternation of bodies takes what any one of them takes.
    const body = `(?:${compiled.re.source.slice(1, -1)})`;
    if (compiled.test === 'name') {
      names.push(body);
    } else if (compiled.test === 'folder') {
      folders.push(body);
    } else {
      paths.push(compiled.re);
    }
  }
  const merged = (bodies: string[]) => (bodies.length ? new RegExp(`^(?:${bodies.join('|')})$`, CASE_INSENSITIVE_FS ? 'i' : '') : undefined);
  return { name: merged(names), folder: merged(folders), paths };
}

/** Does a glob of `list` take `path`? Plain loops and one slice per segment tried: it runs for every file a walk passes. */
function takes(list: CompiledList, path: string): boolean {
  const slash = path.lastIndexOf('/');
  if (list.name?.test(slash < 0 ? path : path.slice(slash + 1))) {
    return true;
  }
  if (list.folder) {
    // Every `/` ends a segment that is not the last.
    for (let from = 0, end = path.indexOf('/'); end >= 0; from = end + 1, end = path.indexOf('/', from)) {
      if (list.folder.test(path.slice(from, end))) {
        return true;
      }
    }
  }
  for (let i = 0; i < list.paths.length; i++) {
    if (list.paths[i].test(path)) {
      return true;
    }
  }
  return false;
}

/** Include/exclude globs compiled once; `matches` takes a `/`-separated path relative to its workspace folder. */
export class PathFilter {
  private readonly include: CompiledList;
  private readonly exclude: CompiledList;

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = compileList(include);
    this.exclude = compileList(exclude);
  }

  matches(relativePath: string): boolean {
    return takes(this.include, relativePath) && !takes(this.exclude, relativePath);
  }

  /** Does an exclude pattern take this path (whatever the include patterns say)? */
  excludes(relativePath: string): boolean {
    return takes(this.exclude, relativePath);
  }

  /** Is everything below this folder excluded (`**\/node_modules/**`)? Then a walk need not enter it. */
  excludesFolder(relativePath: string): boolean {
    return takes(this.exclude, `${relativePath}/`);
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
