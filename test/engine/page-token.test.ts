import { describe, expect, it } from 'vitest';
import { RecordScanner, type ScanNote } from '../../src/ingest/scanner.js';

// A search envelope whose `next_page_token` is a non-empty string is one page of a longer search:
// the scanner says so once per file, wherever the key stands and however the bytes arrive.

function notesOf(input: string, chunkSize: number): { notes: ScanNote[]; records: string[] } {
  const buf = Buffer.from(input);
  const notes: ScanNote[] = [];
  const records: string[] = [];
  const scanner = new RecordScanner('t', { record: (r) => records.push(r.bytes.toString()), note: (n) => notes.push(n) });
  for (let i = 0; i < buf.length; i += chunkSize) scanner.push(buf.subarray(i, i + chunkSize));
  scanner.finish();
  return { notes, records };
}

const message = (shown: string): string =>
  `this file is one page of a search: more traces exist (next_page_token "${shown}"); ` +
  'fetch every page (mlflow traces search … --page-token <token>, until next_page_token is null, or a larger --max-results) and read them together';

const CLI_PAGE = '{\n  "traces": [\n    {\n      "info": {"trace_id": "tr-1"}\n    }\n  ],\n  "next_page_token": "eyJvZmZzZXQiOiAxMDB9"\n}\n';
const LONG = 'A'.repeat(300);

interface Case {
  name: string;
  input: string;
  /** The token as the note shows it, and where its string starts; null: no note. */
  token: { shown: string; offset: number; line: number; text?: string } | null;
  records: number;
}

const CASES: Case[] = [
  { name: 'the CLI page (pretty-printed, token after traces)', input: CLI_PAGE, token: { shown: 'eyJvZmZzZXQiOiAxMDB9', offset: CLI_PAGE.indexOf('"eyJ'), line: 7 }, records: 1 },
  { name: 'the token before traces', input: '{"next_page_token": "abc", "traces": [{"a": 1}]}', token: { shown: 'abc', offset: 20, line: 1 }, records: 1 },
  {
    name: 'the REST search body (bare TraceInfos)',
    input: '{"traces": [{"trace_id": "tr-1"}, {"trace_id": "tr-2"}], "next_page_token": "t2"}',
    token: { shown: 't2', offset: 76, line: 1 },
    records: 2,
  },
  { name: 'other keys between', input: '{"traces": [], "x": {"y": [1, "z"]}, "next_page_token": "q"}', token: { shown: 'q', offset: 56, line: 1 }, records: 0 },
  // The note shows 40 characters; the token kept for analyze is bounded at 256.
  { name: 'a long token is cut in the note', input: `{"traces": [], "next_page_token": "${LONG}"}`, token: { shown: `${'A'.repeat(39)}…`, offset: 34, line: 1, text: 'A'.repeat(256) }, records: 0 },
  { name: 'a null token (the last page)', input: '{"traces": [{"a": 1}], "next_page_token": null}', token: null, records: 1 },
  { name: 'an empty token', input: '{"traces": [{"a": 1}], "next_page_token": ""}', token: null, records: 1 },
  { name: 'a token that is not a string', input: '{"traces": [], "next_page_token": 5}', token: null, records: 0 },
  { name: 'no token key (REST proto JSON leaves it out)', input: '{"traces": [{"a": 1}]}', token: null, records: 1 },
  { name: 'the key inside a trace', input: '{"traces": [{"next_page_token": "x"}], "next_page_token": null}', token: null, records: 1 },
  { name: 'the key nested below the envelope', input: '{"traces": [], "meta": {"next_page_token": "x"}}', token: null, records: 0 },
  { name: 'the key name as a value', input: '{"traces": [], "a": "next_page_token", "b": "x"}', token: null, records: 0 },
  { name: 'a document that is no search envelope', input: '{"next_page_token": "x", "info": {}}', token: null, records: 1 },
];

describe('next_page_token of a search envelope', () => {
  for (const c of CASES) {
    for (const chunk of [1, 3, 7, 1 << 20]) {
      it(`${c.name} (chunks of ${chunk})`, () => {
        const { notes, records } = notesOf(c.input, chunk);
        expect(records.length).toBe(c.records);
        const pages = notes.filter((n) => n.code === 'next-page-token');
        expect(notes.filter((n) => n.code !== 'next-page-token')).toEqual([]);
        if (c.token === null) expect(pages).toEqual([]);
        else {
          const token = c.token.text ?? c.token.shown;
          expect(pages).toEqual([{ code: 'next-page-token', message: message(c.token.shown), offset: c.token.offset, line: c.token.line, token }]);
        }
      });
    }
  }

  it('is said once per file: the first page of concatenated pages', () => {
    const three = `{"traces": [], "next_page_token": null}\n${CLI_PAGE}{"traces": [], "next_page_token": "second"}\n`;
    for (const chunk of [5, 1 << 20]) {
      const { notes } = notesOf(three, chunk);
      expect(notes.map((n) => n.message)).toEqual([message('eyJvZmZzZXQiOiAxMDB9')]);
    }
  });
});
