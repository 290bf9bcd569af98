/**
 * Inputs a user may pass by mistake that are not exports, recognised from their first bytes so
 * that they are named once for what they are, with what to do instead, rather than read as a
 * thousand invalid JSON records.
 */

const EXPORT_COMMAND = 'mlflow traces search --experiment-id <id> --output json';

/** What the head of an input is when it is a known kind that tracetriage does not read; else null. */
export function recognise(head: Buffer): string | null {
  if (head.toString('latin1', 0, 16) === 'SQLite format 3\0') {
    return `an SQLite database (an MLflow store such as mlflow.db?), not a trace export: reading MLflow stores is not supported yet; export the traces with \`${EXPORT_COMMAND}\``;
  }
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6) || (head[2] === 7 && head[3] === 8))) {
    return 'a zip archive, not a trace export: tracetriage reads gzip and tar archives, not zip; unzip it and pass the directory';
  }
  if (isMlflowTable(head)) {
    return `MLflow's table output (\`mlflow traces search\` without \`--output json\`), not a trace export: run \`${EXPORT_COMMAND}\``;
  }
  return null;
}

/**
 * The table `mlflow traces search` prints by default (mlflow/cli/traces.py, `_create_table` in
 * mlflow/utils/string_utils.py): a header of field paths (`info.trace_id  info.request_time ...`,
 * or the `--extract-fields` paths), then a line of dashes under each column, two spaces apart.
 */
function isMlflowTable(head: Buffer): boolean {
  const lines = head.toString('latin1', 0, Math.min(head.length, 64 * 1024)).replace(/^\s*\n/, '').split('\n', 2);
  const [header, rule] = lines;
  if (header === undefined || rule === undefined) return false;
  return /^(info|data)\.\S*( {2,}\S+)*\s*$/.test(header) && /^-{4,}( {2}-{4,})*\s*$/.test(rule);
}
