import { createRequire } from 'node:module';
import type { RuleMeta, RuleModule, Severity } from '../../rules/api.js';
import { RULES } from '../../rules/index.js';
import type { ActiveRule } from './rule-runner.js';

export { RULES };

/** A rule's setting in the config: a severity, `off`, or both with options. */
export interface RuleSetting {
  severity?: Severity | 'off';
  options?: Record<string, unknown>;
}

/** The rules a run uses, and the severities the config sets. */
export interface RuleSelection {
  rules: ActiveRule[];
  severityOverride: Map<string, Severity>;
}

/** `--rule` (or the programmatic `only`) names ids the rule table does not have. */
export class UnknownRuleError extends Error {
  constructor(readonly ids: readonly string[]) {
    super(`unknown rule ${ids.map((id) => JSON.stringify(id)).join(', ')}; known rules: ${RULES.map((r) => r.meta.id).join(', ')}`);
    this.name = 'UnknownRuleError';
  }
}

/** The rule with this id, or undefined. */
export function ruleById(id: string): RuleModule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/**
 * Resolves the config's rule settings and `--rule` ids into the rules to run. With `only`, exactly
 * those rules run (even ones the config turns off: naming a rule on the command line is the more
 * specific wish); otherwise every rule not turned `off`. Options are the rule's defaults with the
 * config's laid over them (already checked against the rule's schema when the config was loaded).
 * Unknown ids in `only` throw an {@link UnknownRuleError} naming the known ones.
 */
export function selectRules(settings: Readonly<Record<string, RuleSetting>>, only: readonly string[] = []): RuleSelection {
  const unknown = only.filter((id) => ruleById(id) === undefined);
  if (unknown.length > 0) {
    throw new UnknownRuleError(unknown);
  }
  const severityOverride = new Map<string, Severity>();
  const rules: ActiveRule[] = [];
  for (const module of RULES) {
    const setting = settings[module.meta.id] ?? {};
    const chosen = only.length === 0 ? setting.severity !== 'off' : only.includes(module.meta.id);
    if (!chosen) continue;
    if (setting.severity !== undefined && setting.severity !== 'off') severityOverride.set(module.meta.id, setting.severity);
    rules.push({ module, options: { ...module.meta.defaultOptions, ...setting.options } });
  }
  return { rules, severityOverride };
}

// The SARIF log names the tool's version: the package's own (two folders up from src/engine and dist/engine).
const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** What a SARIF log says of the tool: its version and the metadata of the rules that ran, in that order. */
export function sarifTool(ruleIds: readonly string[]): { version: string; rules: RuleMeta[] } {
  return {
    version,
    rules: ruleIds.map((id) => {
      const rule = ruleById(id);
      if (rule === undefined) throw new Error(`the analysis ran rule ${JSON.stringify(id)}, which the rule table does not have`);
      return rule.meta;
    }),
  };
}

/** The `rules` view: every rule of the table with the severity the config's `rules` set (or null). */
export function ruleRows(configured: Readonly<Record<string, RuleSetting>>): { meta: RuleMeta; configured: string | null }[] {
  return RULES.map((r) => ({ meta: r.meta, configured: configured[r.meta.id]?.severity ?? null }));
}
