import { isObject } from './values.js';

/**
 * What a retrieved document says of its own age: the family its versions share, its version and
 * date, and any lifecycle marker its metadata carries. Retrieval apps index documents with such
 * metadata (`version`, `last_updated`, `status: archived`) and name versions in their ids
 * (`refund-policy-2023.md`, `pricing-v2.md`); an answer built on an older version of a document
 * the same dump shows a newer one of is a wrong-fact answer no error and no judge points at.
 */
export interface DocumentAge {
  /**
   * The label with its one version or year token replaced by `#` (`kb://…/refund-policy-#.md`), or
   * the label itself when it has none: two documents of one family are versions of one document.
   */
  family: string;
  /** The version as numbers (`2023` → [2023], `v2.1` → [2, 1], metadata `2023.2` → [2023, 2]); empty when unknown. */
  version: number[];
  /** The version as written, for messages. */
  versionText: string | null;
  /** The metadata date (`last_updated`, `updated`, …) in ms since the epoch, or null. */
  updatedMs: number | null;
  /** The date as written. */
  updated: string | null;
  /** Lifecycle metadata as `key: value` (`status: archived`, `deprecated: true`), at most {@link MAX_LIFECYCLE}. */
  lifecycle: string[];
}

/** Lifecycle entries kept per document. */
export const MAX_LIFECYCLE = 3;

/** Metadata keys that date a document, most specific first. */
const DATE_KEYS = ['last_updated', 'lastUpdated', 'updated_at', 'updatedAt', 'last_modified', 'lastModified', 'modified', 'updated', 'date', 'published', 'created_at'];
/** Metadata keys that version a document. */
const VERSION_KEYS = ['version', 'doc_version', 'revision'];
/** Metadata keys whose value says where a document is in its life (read by the rules against their marker words). */
const LIFECYCLE_KEYS = [
  'status',
  'state',
  'lifecycle',
  'lifecycle_state',
  'archived',
  'is_archived',
  'deprecated',
  'is_deprecated',
  'superseded',
  'superseded_by',
  'replaced_by',
  'obsolete',
  'outdated',
];

/**
 * One version or year token in a label: `2023` (a year standing alone, not part of a longer number
 * or a full date), `v2`, `v2.1`, `1.4.0`. A label with a full date (`notes-2024-05-01.md`) names a
 * dated document, not a version of one, and a label with two tokens is ambiguous: neither gives a
 * family.
 */
const TOKEN = /(?<![\p{L}\p{N}.])(?:v\d+(?:\.\d+)*|(?:19|20)\d\d(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)(?![\p{N}])/giu;
const FULL_DATE = /(?:19|20)\d\d[-_/.](?:0?[1-9]|1[0-2])[-_/.](?:0?[1-9]|[12]\d|3[01])/u;

/** The age facts of a document from its label (URI or id) and metadata. */
export function documentAge(label: string, metadata: unknown): DocumentAge {
  const meta = isObject(metadata) ? metadata : {};
  const text = (v: unknown): string | null =>
    typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'boolean' ? String(v) : null;
  const path = label.replace(/[?#].*$/u, '');
  const tokens = FULL_DATE.test(path) ? [] : [...path.matchAll(TOKEN)];
  let family = label;
  let version: number[] = [];
  let versionText: string | null = null;
  if (tokens.length === 1) {
    const t = tokens[0]!;
    family = `${path.slice(0, t.index)}#${path.slice(t.index + t[0].length)}`;
    versionText = t[0];
    version = numbersOf(t[0]);
  }
  if (version.length === 0) {
    for (const key of VERSION_KEYS) {
      const v = text(meta[key]);
      if (v !== null && numbersOf(v).length > 0) {
        versionText = v;
        version = numbersOf(v);
        break;
      }
    }
  }
  let updated: string | null = null;
  let updatedMs: number | null = null;
  for (const key of DATE_KEYS) {
    const v = text(meta[key]);
    const ms = v === null ? null : dateMs(v);
    if (ms !== null) {
      updated = v;
      updatedMs = ms;
      break;
    }
  }
  const lifecycle: string[] = [];
  for (const key of LIFECYCLE_KEYS) {
    const v = text(meta[key]);
    if (v !== null && lifecycle.length < MAX_LIFECYCLE) lifecycle.push(`${key}: ${v.slice(0, 80)}`);
  }
  return { family, version, versionText, updatedMs, updated, lifecycle };
}

/** `v2.1` → [2, 1], `2023.2` → [2023, 2]. */
function numbersOf(text: string): number[] {
  const m = /\d+(?:\.\d+)*/u.exec(text);
  return m === null ? [] : m[0].split('.').map(Number);
}

/** A date written as ISO 8601 (or its date part), or a year alone; null otherwise. */
function dateMs(text: string): number | null {
  if (/^(?:19|20)\d\d$/u.test(text)) return Date.UTC(Number(text), 0, 1);
  if (!/^(?:19|20)\d\d-\d\d(?:-\d\d)?(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$/u.test(text)) return null;
  const ms = Date.parse(text.length === 7 ? `${text}-01` : text);
  return Number.isFinite(ms) ? ms : null;
}

/** Negative when `a` is an older version than `b`, 0 when equal or not comparable. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Dated documents retrieved beside a document before its age relative to them is said. */
export const MIN_PEERS = 2;

/**
 * Days document `i` of one retrieval is older than the oldest of the other dated documents
 * retrieved with it (at least {@link MIN_PEERS}); null when it is not older than all of them.
 */
export function daysBehindPeers(ages: readonly DocumentAge[], i: number): number | null {
  const mine = ages[i]!.updatedMs;
  if (mine === null) return null;
  let oldestOther = Number.POSITIVE_INFINITY;
  let peers = 0;
  for (const [j, age] of ages.entries()) {
    if (j === i || age.updatedMs === null) continue;
    peers++;
    oldestOther = Math.min(oldestOther, age.updatedMs);
  }
  return peers < MIN_PEERS || oldestOther <= mine ? null : Math.floor((oldestOther - mine) / DAY_MS);
}

/** A version of a document seen somewhere in the dump, with where. */
export interface DocumentSighting {
  label: string;
  age: DocumentAge;
  traceId: string;
  spanId: string;
  path: string;
}

/** Families kept by a catalog; a dump with more compares only the first ones (said in docs/rules/error-propagation.md). */
export const MAX_FAMILIES = 50_000;
/** A newer date counts only this much later: the same document re-indexed within a day is the same version. */
const DAY_MS = 86_400_000;

/**
 * The newest version of each document family the dump holds, gathered as traces are read, so the
 * session stage can tell a turn that retrieved an older version than the dump shows elsewhere (in
 * another turn, another session). Bounded: one sighting per family, {@link MAX_FAMILIES} families.
 */
export class DocumentCatalog {
  private readonly newest = new Map<string, DocumentSighting>();

  /** Notes a document seen in a trace (one with neither a version nor a date compares with nothing). */
  add(sighting: DocumentSighting): void {
    const { age } = sighting;
    if (age.version.length === 0 && age.updatedMs === null) return;
    const known = this.newest.get(age.family);
    if (known === undefined ? this.newest.size < MAX_FAMILIES : isNewer(age, known.age)) this.newest.set(age.family, sighting);
  }

  /** The newest sighting of each family, in the order families were first seen (what a part of a scale-out run hands on). */
  sightings(): DocumentSighting[] {
    return [...this.newest.values()];
  }

  /** A version of the family newer than this document, if the dump holds one. */
  newerThan(age: DocumentAge): DocumentSighting | null {
    const known = this.newest.get(age.family);
    return known !== undefined && isNewer(known.age, age) ? known : null;
  }
}

/** True when `a` is a later version than `b`: a higher version, else (versions equal or unknown) a date more than a day later. */
function isNewer(a: DocumentAge, b: DocumentAge): boolean {
  const byVersion = compareVersions(a.version, b.version);
  if (byVersion !== 0) return byVersion > 0;
  return a.updatedMs !== null && b.updatedMs !== null && a.updatedMs - b.updatedMs > DAY_MS;
}
