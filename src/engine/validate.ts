import type { Provenance } from '../ingest/record.js';
import { noteJson, type NoteJson, type Rejection, type SummaryEvent } from './read/read-events.js';

/** A trace-level warning with where to find it. */
export interface LocatedWarning {
  provenance: Provenance;
  traceId: string;
  code: string;
  message: string;
  jsonPath: string;
}

/** The `validate` result, before formatting. */
export interface ValidateResult {
  records: number;
  valid: number;
  rejections: Rejection[];
  warnings: LocatedWarning[];
  notes: NoteJson[];
  /** True when some input could not be read at all. */
  unreadable: boolean;
}

/** Folds read events into what `validate` reports. Traces are dropped once their warnings are kept. */
export class ValidateCollector {
  private readonly result: ValidateResult = { records: 0, valid: 0, rejections: [], warnings: [], notes: [], unreadable: false };

  add(event: SummaryEvent): void {
    switch (event.type) {
      case 'summary':
        this.result.records++;
        this.result.valid++;
        for (const w of event.summary.warnings) {
          this.result.warnings.push({ provenance: event.provenance, traceId: event.summary.traceId, code: w.code, message: w.message, jsonPath: w.jsonPath });
        }
        break;
      case 'rejected':
        this.result.records++;
        this.result.rejections.push(event.rejection);
        break;
      case 'note':
        this.result.notes.push(noteJson(event.note));
        // An input of a kind tracetriage does not read (MLflow's table output, a database) is as
        // unreadable as a missing file: no record of it could be checked.
        if (event.note.kind === 'read-error' || event.note.kind === 'unsupported') this.result.unreadable = true;
        // Records that are not traces, folded into one note: counted, not listed.
        if (event.note.kind === 'not-traces') this.result.records += event.note.records ?? 0;
        break;
      default:
        break;
    }
  }

  done(): ValidateResult {
    return this.result;
  }
}
