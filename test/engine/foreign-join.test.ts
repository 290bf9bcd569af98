import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForeignJoin } from '../../src/engine/read/foreign.js';
import type { ScanUnit } from '../../src/engine/read/read.js';
import type { SortLimits } from '../../src/ingest/external-sort.js';
import type { Provenance } from '../../src/ingest/record.js';
import { readerFor } from '../../src/model/foreign/index.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// The join of other tracers' spans keeps nothing per trace in memory: spans and what each record
// says of its traces go through an external sort by trace id, the joined traces through a second
// one into the order they were first seen in. Forced through tiny sorts (many runs, merges of
// merges), it must give what the default sorts give, in the same order.

const OTLP = join(REPO_ROOT, 'test/fixtures/foreign/otlp');

/** Each JSON value of a fixture file (a document, or JSON Lines), its trace ids changed by `variant` (0: as they are). */
function values(path: string, variant = 0): unknown[] {
  const text = readFileSync(path, 'utf8').replace(
    /("traceId"\s*:\s*")([0-9a-f]{4})/g,
    (_, head: string, hex: string) => head + ((Number.parseInt(hex, 16) + variant) % 65536).toString(16).padStart(4, '0'),
  );
  try {
    return [JSON.parse(text)];
  } catch {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
}

/** What a finished join yields, as plain data: frames, and each record's text, provenance, origin and warnings. */
function plain(units: Iterable<ScanUnit>): unknown[] {
  return [...units].map((u) =>
    u.kind === 'record' ? { text: u.record.text, provenance: u.record.provenance, origin: u.record.origin, warnings: u.record.joinWarnings ?? null } : u.kind === 'event' ? u.event : u,
  );
}

/**
 * Joins the OTLP fixtures as sources: every file once, then the first batch file again (its spans
 * seen twice: copies) and the second as a source of its own, so traces span sources.
 */
function joined(limits?: SortLimits): unknown[] {
  const join_ = limits === undefined ? new ForeignJoin() : new ForeignJoin(limits);
  const files = ['js-chat-batch-1.json', 'js-chat-batch-1.proto-snake.json', 'js-chat-batch-2.json', 'js-chat-session.jsonl', 'proto-example-trace.json', 'python-file-exporter-chat.jsonl'];
  // Then 40 variants of the two batch files (other trace ids), in an order that interleaves them:
  // a trace of variant k is first seen in batch 1's copy, and batch 2's adds to it later.
  const variants = Array.from({ length: 40 }, (_, k) => [`js-chat-batch-1.json@${k + 1}`, `js-chat-batch-2.json@${(k + 39) % 40}`]).flat();
  // And one whose ids sort the other way round from the order the file gives its traces in.
  const order = [...files, files[0]!, files[2]!, ...variants, `js-chat-batch-1.json@${0x6000}`];
  for (const name of order) {
    const [file = name, variant = '0'] = name.split('@');
    const source = join_.open(name);
    values(join(OTLP, file), Number(variant)).forEach((value, index) => {
      const reader = readerFor(value);
      if (reader === null) throw new Error(`${file}: no reader`);
      const provenance: Provenance = { source: name, index, offset: index * 100, length: 100, line: index + 1, column: 1 };
      join_.add(source, reader.read(value), provenance);
    });
    source.end = { type: 'source-end', source: name, bytes: 100, unpacked: null };
  }
  return plain(join_.finish());
}

describe('ForeignJoin through its external sorts', () => {
  it('gives the same traces, in the same order, with sorts of two entries as with the default ones', () => {
    const expected = joined();
    const records = expected.filter((u) => typeof u === 'object' && u !== null && 'text' in u);
    // The fixtures hold several traces, some over several records and sources, and copies.
    expect(records.length).toBeGreaterThan(80);
    expect(JSON.stringify(expected)).toContain('spans from');
    expect(JSON.stringify(expected)).toContain('duplicate-span-id');
    for (const limits of [
      { runEntries: 2, runBytes: 1 << 20, fanIn: 2 },
      { runEntries: 1000, runBytes: 64, fanIn: 3 },
      { runEntries: 7, runBytes: 1 << 20, fanIn: 64 },
    ]) {
      expect(joined(limits)).toEqual(expected);
    }
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('tracetriage-foreign-'))).toEqual([]);
  });

  it('emits each trace with the source it was first seen in, sources in order, traces in the order first seen', () => {
    const units = joined({ runEntries: 3, runBytes: 1 << 20, fanIn: 2 }) as Array<Record<string, unknown>>;
    let source = '';
    const bySource = new Map<string, string[]>();
    for (const u of units) {
      if (u.type === 'source-start') source = u.source as string;
      else if ('text' in u) {
        const within = (u.provenance as Provenance).within ?? '';
        expect((u.provenance as Provenance).source).toBe(source);
        bySource.set(source, [...(bySource.get(source) ?? []), within]);
      }
    }
    // A trace is emitted once, by the first source that held it: sources read again add none.
    const all = [...bySource.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    // Within a source, in the order its records first name them (worked out here from the reader).
    const flipped = `js-chat-batch-1.json@${0x6000}`;
    const firstSeen: string[] = [];
    for (const value of values(join(OTLP, 'js-chat-batch-1.json'), 0x6000)) {
      for (const span of readerFor(value)!.read(value).spans) if (!firstSeen.includes(span.traceId)) firstSeen.push(span.traceId);
    }
    expect(firstSeen.length).toBeGreaterThan(1);
    expect([...firstSeen].sort()).not.toEqual(firstSeen);
    expect(bySource.get(flipped)!.map((within) => /trace ([0-9a-f]{32})/.exec(within)![1])).toEqual(firstSeen);
  });
});
