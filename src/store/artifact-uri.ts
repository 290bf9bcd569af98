/**
 * MLflow artifact URIs as stores record them, taken apart without touching the disk: a local path
 * of this machine or another (`/Users/…`, `file:///c:/…`, `file:C:/Users/a b/…`, percent-encoded or
 * not), the tracking server's `mlflow-artifacts:/…`, or a remote URI (`s3://…`) that an offline
 * reader cannot fetch.
 */

export type ParsedArtifactUri =
  /** A path on some machine: its segments, and whether it is absolute on this one (POSIX). */
  | { kind: 'path'; segments: string[]; localAbsolute: string | null }
  /** `mlflow-artifacts:/X`: X under the server's `--artifacts-destination` (default `./mlartifacts`). */
  | { kind: 'proxied'; segments: string[] }
  /** Any other scheme: not on this machine. */
  | { kind: 'remote'; scheme: string };

/** Decodes `%XX` runs as UTF-8; a `%` not followed by two hex digits stays as it is (Windows paths keep raw `%`). */
export function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

const segmentsOf = (path: string): string[] => path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');

/** Takes an artifact URI apart; see {@link ParsedArtifactUri}. */
export function parseArtifactUri(uri: string): ParsedArtifactUri {
  const trimmed = uri.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1];
  // A one-letter "scheme" is a Windows drive (`C:\Users\…`, `c:/…`), not a URI scheme.
  if (scheme === undefined || scheme.length === 1) return pathUri(trimmed, false);
  const lower = scheme.toLowerCase();
  const rest = trimmed.slice(scheme.length + 1);
  if (lower === 'file') {
    // file:///home/a, file://localhost/home/a, file:/home/a, file:C:/Users/a b, file:///c:/Users/a
    return pathUri(percentDecode(withoutAuthority(rest)), true);
  }
  if (lower === 'mlflow-artifacts') {
    // mlflow-artifacts:/1/traces/… or, with a server address, mlflow-artifacts://host:5000/1/traces/…
    return { kind: 'proxied', segments: segmentsOf(percentDecode(withoutAuthority(rest))) };
  }
  return { kind: 'remote', scheme: lower };
}

/** The path of `//host/path` (a host `C:` is a drive written after two slashes, kept). */
function withoutAuthority(rest: string): string {
  if (!rest.startsWith('//')) return rest;
  const host = /^[^/]*/.exec(rest.slice(2))![0];
  return /^[A-Za-z]:$/.test(host) ? rest.slice(2) : rest.slice(2 + host.length);
}

function pathUri(path: string, fromFileUri: boolean): ParsedArtifactUri {
  // `/c:/Users/…` (from file:///c:/…) and `C:\…` are Windows paths: never absolute here.
  const windows = /^\/?[A-Za-z]:([\\/]|$)/.test(path);
  const segments = segmentsOf(path);
  const localAbsolute = !windows && path.startsWith('/') && (fromFileUri || !path.includes('\\')) ? '/' + segments.join('/') : null;
  return { kind: 'path', segments, localAbsolute };
}

/**
 * Where `<experiment id>/traces/<trace id>` sits in a URI's segments: the index of the experiment
 * segment, or -1. A URI that names this trace under another experiment id still matches (the
 * segment before `traces/<trace id>` counts as the experiment).
 */
export function traceTailIndex(segments: readonly string[], traceId: string): number {
  for (let i = segments.length - 2; i >= 1; i--) {
    if (segments[i] === 'traces' && segments[i + 1] === traceId) return i - 1;
  }
  return -1;
}
