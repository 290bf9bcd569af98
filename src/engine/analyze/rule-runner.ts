import type { DumpInput, ReportDescriptor, RuleContext, RuleModule, RuleVisitors, SessionInput, TraceInput } from '../../rules/api.js';
import type { RawFinding } from './findings.js';
import { faultPoint } from '../read/guard.js';

/** A rule whose session visitor threw on a session. */
export interface SessionRuleFailure {
  ruleId: string;
  error: unknown;
}

/** A rule switched on for a run, with its options resolved. */
export interface ActiveRule {
  module: RuleModule;
  options: Record<string, unknown>;
}

const TRACE_VISITORS = ['trace', 'span', 'assessment', 'traceExit'] as const;
const SESSION_VISITORS = ['session', 'turn', 'sessionExit', 'dumpExit'] as const;

function contextFor(rule: ActiveRule, out: RawFinding[]): RuleContext {
  const { meta } = rule.module;
  return {
    id: meta.id,
    options: rule.options,
    report(descriptor: ReportDescriptor) {
      // Checked here, where the rule's stack is, not later when the engine words the finding.
      if (!Object.hasOwn(meta.messages, descriptor.messageId)) {
        throw new Error(`rule ${meta.id} reported unknown message id ${JSON.stringify(descriptor.messageId)}`);
      }
      out.push({ ruleId: meta.id, descriptor });
    },
  };
}

function hasAny(visitors: RuleVisitors, keys: readonly (keyof RuleVisitors)[]): boolean {
  return keys.some((k) => typeof visitors[k] === 'function');
}

/**
 * Runs the trace visitors of the rules over one trace at a time. Each rule's `create` is called
 * afresh for every trace (as ESLint calls it for every file), so whatever a rule keeps in its
 * closure belongs to that trace; this is also what lets the phase run in worker threads.
 */
export class TraceRuleRunner {
  private readonly rules: ActiveRule[];

  constructor(rules: readonly ActiveRule[]) {
    // Rules without trace visitors are left out once, not asked on every trace.
    this.rules = rules.filter((r) => hasAny(r.module.create(contextFor(r, [])), TRACE_VISITORS));
  }

  /** The raw findings of every rule over one trace. */
  run(input: TraceInput): RawFinding[] {
    faultPoint('rules', input.trace.traceId);
    const out: RawFinding[] = [];
    for (const rule of this.rules) {
      const v = rule.module.create(contextFor(rule, out));
      v.trace?.(input);
      if (v.span) for (const span of input.trace.spans) v.span(span, input);
      if (v.assessment) for (const a of input.trace.assessments) v.assessment(a, input);
      v.traceExit?.(input);
    }
    return out;
  }
}

/**
 * Runs the session visitors: `create` once per rule for the whole phase (dump-level state such as
 * totals per scorer lives in the closure), then {@link visit} for each session in order (its turns
 * in order), then {@link exit} with the dump-level counts and the traces without a session.
 */
export class SessionRuleRunner {
  private readonly out: RawFinding[] = [];
  private readonly active: Array<{ id: string; visitors: RuleVisitors }>;

  constructor(rules: readonly ActiveRule[]) {
    this.active = rules.map((r) => ({ id: r.module.meta.id, visitors: r.module.create(contextFor(r, this.out)) })).filter((a) => hasAny(a.visitors, SESSION_VISITORS));
  }

  /**
   * Runs every rule's session visitors over one session. A rule that throws loses what it
   * reported on this session (its findings there would be partial), the other rules still run,
   * and the failures are returned: the engine turns them into `internal` problems of the
   * session's traces, and goes on with the next session.
   */
  visit(session: SessionInput): SessionRuleFailure[] {
    const failures: SessionRuleFailure[] = [];
    for (const { id, visitors: v } of this.active) {
      const before = this.out.length;
      try {
        for (const turn of session.turns) faultPoint('session-rules', turn.digest.traceId);
        v.session?.(session);
        if (v.turn) for (const turn of session.turns) v.turn(turn, session);
        v.sessionExit?.(session);
      } catch (error) {
        this.out.length = before;
        failures.push({ ruleId: id, error });
      }
    }
    return failures;
  }

  /**
   * Rules that cannot run split (docs/scale-out.md): a `dumpExit` besides session visitors, and no
   * `saveDump` to hand on what the sessions taught it.
   */
  unmergeable(): string[] {
    return this.active.filter(({ visitors: v }) => v.dumpExit && hasAny(v, ['session', 'turn', 'sessionExit']) && !v.saveDump).map((a) => a.id);
  }

  /** What each rule gathered over the sessions for its `dumpExit` (`saveDump`), for a merge. */
  save(): Array<{ ruleId: string; state: unknown }> {
    return this.active.filter((a) => a.visitors.saveDump).map(({ id, visitors }) => ({ ruleId: id, state: visitors.saveDump!() }));
  }

  /** Adds the state a part saved for a rule (before {@link exit}). */
  load(ruleId: string, state: unknown): void {
    this.active.find((a) => a.id === ruleId)?.visitors.loadDump?.(state);
  }

  /** The raw findings reported since the last call (the phase's findings so far, the first time), which `exit` then leaves out. */
  drain(): RawFinding[] {
    return this.out.splice(0, this.out.length);
  }

  /**
   * Runs `dumpExit` and returns every raw finding of the phase not taken by `drain`. A rule that throws there loses its
   * dump-level findings (they would be partial), the others still run, and the failure is returned
   * for the engine to report as an `internal` problem.
   */
  exit(dump: DumpInput): { findings: RawFinding[]; failures: SessionRuleFailure[] } {
    const failures: SessionRuleFailure[] = [];
    for (const { id, visitors: v } of this.active) {
      const before = this.out.length;
      try {
        faultPoint('dump-rules', id);
        v.dumpExit?.(dump);
      } catch (error) {
        this.out.length = before;
        failures.push({ ruleId: id, error });
      }
    }
    return { findings: this.out, failures };
  }
}
