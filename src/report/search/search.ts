import { duration, utcTime } from '../../shared/time.js';
import type { TraceInfo } from '../../model/types.js';
import { cut, DOTS } from '../../shared/text.js';
import { PLAIN_STYLE, type Style } from '../shared/style.js';
import { table } from '../shared/terminal.js';
import { safeText } from '../../shared/escape/terminal.js';

/** MLflow's default `--output table` columns; `info.execution_duration` shows a real duration here (MLflow's is always N/A). */
export const SEARCH_COLUMNS = ['info.trace_id', 'info.request_time', 'info.state', 'info.execution_duration', 'info.request_preview', 'info.response_preview'] as const;

/** MLflow cuts previews in its table to 20 characters ending in `...`. */
const PREVIEW = 20;

/**
 * The table `search --output table` prints, one row per trace, MLflow's columns; `style` paints
 * the header and the `ERROR` state.
 */
export function searchTable(infos: readonly TraceInfo[], style: Style = PLAIN_STYLE): string {
  const rows = infos.map((info) => [
    cell(info.traceId ?? 'N/A'),
    info.requestTimeMs === null ? 'N/A' : utcTime(info.requestTimeMs),
    info.state === 'UNSPECIFIED' ? 'STATE_UNSPECIFIED' : info.state === 'ERROR' ? style.error(info.state) : info.state,
    info.durationMs === null ? 'N/A' : duration(info.durationMs),
    preview(info.requestPreview ?? info.metadata['mlflow.traceInputs'] ?? null),
    preview(info.responsePreview ?? info.metadata['mlflow.traceOutputs'] ?? null),
  ]);
  // Within a width: the request time goes first, then the duration, the response, the request.
  return table(SEARCH_COLUMNS, rows, new Set([3]), style, { width: style.width, drop: [1, 3, 5, 4] }) + '\n';
}

/**
 * The table of `--extract-fields` values: one column per field, each cell the value's JSON
 * (strings bare); `style` paints the header only (the values are the trace's).
 */
export function fieldsTable(fields: readonly string[], rows: ReadonlyArray<readonly string[]>, style: Style = PLAIN_STYLE): string {
  return (
    table(
      fields.map(cell),
      rows.map((r) => r.map((v) => preview(v, 40))),
      new Set(),
      style,
      { width: style.width },
    ) + '\n'
  );
}

function preview(text: string | null, width = PREVIEW): string {
  if (text === null || text === '') return 'N/A';
  const one = cell(text);
  return cut(one, width, DOTS);
}

/** One line of safe text: line breaks and tabs as spaces, control characters escaped. */
function cell(text: string): string {
  return safeText(text.replace(/[\r\n\t]+/g, ' '));
}
