import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The module rules of the design: who may import whom, and where I/O may happen.
const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const folderOf = (path: string): string => relative(SRC, path).split('/')[0]!.replace(/\.ts$/, '');

const imports: Import[] = files(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (type )?[^;]*? from '(\.[^']+)';/gms)].map((m) => ({
    from: relative(SRC, file),
    to: relative(SRC, join(file, '..', m[2]!)).replace(/\.js$/, '.ts'),
    typeOnly: m[1] !== undefined,
  }));
});

/** Folder → folders it may import values from (type-only imports are free for report). */
const ALLOWED: Record<string, string[]> = {
  cli: ['cli', 'engine', 'report', 'ingest', 'model', 'query', 'shared'],
  engine: ['engine', 'ingest', 'model', 'query', 'rules', 'store', 'shared'],
  // ingest recognises a store among the inputs (store/file-store.ts's isFileStore).
  ingest: ['ingest', 'store', 'shared'],
  model: ['model', 'shared'],
  query: ['query', 'model', 'ingest', 'shared'],
  rules: ['rules', 'model', 'shared'],
  report: ['report', 'shared'],
  // MLflow's stores read into traces (src/store): the store's own files and the shared leaf only.
  store: ['store', 'shared'],
  // The pure leaf (cutting, plurals, severity order, times, one escaper per target): imports nothing
  // of the project, so every folder may import it.
  shared: ['shared'],
  // The programmatic API: the CLI's engine calls and formatters, without process or src/cli.
  api: ['api', 'engine', 'model', 'ingest', 'query', 'report', 'shared', 'rules'],
  index: ['api', 'engine', 'model', 'ingest', 'query'],
};

describe('module boundaries', () => {
  it('reads the imports of every source file', () => {
    expect(imports.length).toBeGreaterThan(50);
  });

  it('imports only along the allowed edges', () => {
    const bad = imports.filter(({ from, to, typeOnly }) => {
      const a = folderOf(join(SRC, from));
      const b = folderOf(join(SRC, to));
      if (typeOnly && a === 'report') return false;
      // A generic JSONPath renderer, shared with ingest's error messages.
      if (a === 'ingest' && to === 'model/json-path.ts') return false;
      return !(ALLOWED[a] ?? []).includes(b);
    });
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('keeps src/shared a pure leaf: no import of another folder, of Node or of a package', () => {
    const offenders = files(join(SRC, 'shared')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/^import [^;]*? from '([^']+)';/gms)]
        .map((m) => m[1]!)
        .filter((to) => !to.startsWith('./'))
        .map((to) => `${relative(SRC, file)} -> ${to}`);
    });
    expect(files(join(SRC, 'shared')).length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it('touches process only in src/cli, and the file system only in src/ingest, src/store (and the worker script check)', () => {
    const offenders = files(SRC).flatMap((file) => {
      const rel = relative(SRC, file);
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const out: string[] = [];
      if (!rel.startsWith('cli/') && /\bprocess\./.test(text)) out.push(`${rel} uses process`);
      if (!rel.startsWith('ingest/') && !rel.startsWith('store/') && rel !== 'engine/read/worker-pool.ts' && /from 'node:fs/.test(text)) out.push(`${rel} uses node:fs`);
      return out;
    });
    expect(offenders).toEqual([]);
  });
});
