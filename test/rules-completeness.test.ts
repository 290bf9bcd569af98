import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/engine/analyze/rule-set.js';
import { REPO_ROOT } from './helpers/make-inputs.js';

// STYLE.md habit 1: one rule, one file, one docs page, one test file, id = file name; and the
// metadata `rules`, the docs and SARIF read is complete before any rule runs.
const RULE_DIR = join(REPO_ROOT, 'src', 'rules');
const NOT_RULES = new Set(['api.ts', 'index.ts']);

describe('the rule table', () => {
  const files = readdirSync(RULE_DIR)
    .filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f))
    .sort();

  it('lists every rule file of src/rules/ once, and nothing else', () => {
    expect(RULES.map((r) => `${r.meta.id}.ts`).sort()).toEqual(files);
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
  });

  it('docs/rules/README.md lists every rule with its description, in table order', () => {
    const index = readFileSync(join(REPO_ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    const listed = [...index.matchAll(/^\| \[([a-z0-9-]+)\]\(\1\.md\) \|.*\| (.*) \|$/gmu)];
    expect(listed.map((m) => m[1])).toEqual(RULES.map((r) => r.meta.id));
    listed.forEach((m, i) => expect(m[2]).toBe(RULES[i]!.meta.description));
  });

  for (const rule of RULES) {
    const { id } = rule.meta;
    describe(id, () => {
      it('has a kebab-case id equal to its file name', () => {
        expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
        expect(existsSync(join(RULE_DIR, `${id}.ts`))).toBe(true);
      });

      it(`has docs/rules/${id}.md, titled with its id, showing every message id`, () => {
        const page = join(REPO_ROOT, 'docs', 'rules', `${id}.md`);
        expect(existsSync(page), page).toBe(true);
        const text = readFileSync(page, 'utf8');
        expect(text.split('\n')[0]).toBe(`# ${id}`);
        for (const messageId of Object.keys(rule.meta.messages)) expect(text, `${id}.md names ${messageId}`).toContain(messageId);
      });

      it(`has test/rules/${id}.test.ts using the rule tester`, () => {
        const test = join(REPO_ROOT, 'test', 'rules', `${id}.test.ts`);
        expect(existsSync(test), test).toBe(true);
        expect(readFileSync(test, 'utf8')).toContain('ruleTester(');
      });

      it('declares its metadata completely', () => {
        const { meta } = rule;
        expect(['problem', 'suggestion']).toContain(meta.type);
        expect(['error', 'warn', 'info']).toContain(meta.severity);
        expect(meta.description.length).toBeGreaterThan(20);
        expect(meta.description).not.toMatch(/TODO/);
        const messageIds = Object.keys(meta.messages);
        expect(messageIds.length).toBeGreaterThan(0);
        for (const m of messageIds) expect(m).toMatch(/^[a-z][A-Za-z0-9]*$/);
        for (const m of Object.keys(meta.messageSeverity ?? {})) expect(messageIds).toContain(m);
        for (const m of Object.keys(meta.suggestions ?? {})) expect(messageIds).toContain(m);
      });

      it('has an options schema that compiles and accepts its default options', () => {
        const { schema, defaultOptions } = rule.meta;
        if (schema === undefined) {
          expect(defaultOptions ?? {}).toEqual({});
          return;
        }
        expect(schema.type).toBe('object');
        expect(schema.additionalProperties).toBe(false);
        const validate = new Ajv({ strict: true }).compile(schema);
        expect(validate(defaultOptions ?? {}), JSON.stringify(validate.errors)).toBe(true);
      });
    });
  }
});
