import { findValue } from '../../ingest/top-level.js';
import { assessmentsOf } from '../../model/assessment.js';
import { normalizeInfo } from '../../model/info.js';
import type { Assessment, TraceInfo } from '../../model/types.js';
import { isObject } from '../../model/values.js';

/** A trace's info and assessments, read without parsing its spans. */
export interface FastInfo {
  info: TraceInfo;
  assessments: Assessment[];
}

/**
 * Reads just the `info` of an `{info, data}` record: the scanner-free locator finds the value's
 * bytes (a few KB at the front of a trace that may weigh MBs) and only those are parsed. Null when
 * the record is of another shape or its info does not parse on its own (a NaN token, a fault):
 * the caller then parses the whole record, which reports any fault with its position, so nothing
 * is lost by answering null here.
 */
export function readInfoFast(bytes: Buffer): FastInfo | null {
  const range = findValue(bytes, ['info']);
  if (range === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8', range.start, range.end));
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (!isObject(raw)) return null;
  return { info: normalizeInfo(raw), assessments: assessmentsOf(raw) };
}
