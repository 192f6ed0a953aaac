#!/bin/sh
# node-exporter textfile collector alternative to `pki-lens serve`: one `pki-lens check --format
# openmetrics` run written atomically, so node-exporter never reads half a file.
#   pki-lens-textfile.sh OUTPUT.prom DIR|FILE...
# The temporary file sits in OUTPUT's folder (a rename is atomic only within one file system) and
# does not end in .prom (node-exporter reads only *.prom). A failed run leaves the previous file,
# whose pki_lens_last_scan_timestamp_seconds then ages into the PkiLensScrapeStale alert.
# PKI_LENS overrides the command (default: pki-lens on PATH).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 OUTPUT.prom DIR|FILE..." >&2
  exit 2
fi
out=$1
shift
tmp=$(mktemp "$out.tmp.XXXXXX")
trap 'rm -f "$tmp"' EXIT
${PKI_LENS:-pki-lens} check --format openmetrics --fail-on none "$@" >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
