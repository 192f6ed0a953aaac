/**
 * One flat string of `parts`, for strings kept per file or per certificate. V8 keeps a `+` or a
 * template literal of 13 characters or more as a tree of its parts (a cons string: 32 bytes a node,
 * its parts kept beside it); a join is written out once. A heap snapshot of the extension host
 * after a 10,000-certificate scan held 294,000 such nodes: every file's stamp
 * (`inode:…|size|mtime|ctime`, eight nodes and five number strings), every certificate's place in
 * a bundle (`… (certificate 2 of 3)`), its DN (`CN=` + the value). Pure.
 */
export function flat(...parts: readonly (string | number)[]): string {
  return parts.join('');
}

/** Shorter strings V8 copies when they are cut from a longer one (its SlicedString::kMinLength). */
const SLICE_MIN_LENGTH = 13;

/**
 * `text` as a string of its own, for a string cut from a file's text and kept in its analysis. V8
 * keeps a cut of 13 characters or more (`slice`, a YAML scalar's value) as a view into the string it
 * was cut from: a kubeconfig's `current-context`, its cluster and user names and its carriers'
 * values kept the whole text alive, client-key-data included, for as long as the analysis lived —
 * after the index had let go of the text on purpose (1,000 kubeconfigs: 3 MB of the extension
 * host's heap in the bench's heap snapshot, cold and after a reload). JSON's round trip copies in
 * native code (about 2 µs for 1,000 characters) and gives back every string exactly (a lone
 * surrogate is escaped, then restored). Pure.
 */
export function ownCopy(text: string): string {
  return text.length < SLICE_MIN_LENGTH ? text : JSON.parse(JSON.stringify(text)) as string;
}
