import { rewriteNonFinite } from '../shared/non-finite.js';
import { readText } from './store-files.js';

/**
 * A trace's `traces.json` artifact, read once and kept as text: the record downstream parses it
 * like an export's (19-digit nanosecond times stay exact, Python's NaN and Infinity are read as
 * an export's are). Checked here only enough to know it holds a `spans` list, so a file that does
 * not is a `spans-missing` warning on a trace that is still read, never a lost trace.
 */
export async function readTracesJson(path: string): Promise<{ text: string; spans: number } | { problem: string }> {
  const read = await readText(path);
  if ('error' in read) return { problem: `${path} ${read.error}` };
  let doc: unknown;
  try {
    doc = JSON.parse(read.text);
  } catch (error) {
    // JSON.parse only throws SyntaxError; anything else is a bug and must surface.
    if (!(error instanceof SyntaxError)) throw error;
    const rewritten = rewriteNonFinite(read.text);
    try {
      if (rewritten.count === 0) throw error;
      doc = JSON.parse(rewritten.text);
    } catch {
      // Not JSON with NaN either: JSON.parse's first complaint is the one worth reading.
      return { problem: `${path} is not valid JSON (${error.message})` };
    }
  }
  const spans = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { spans?: unknown }).spans : undefined;
  if (!Array.isArray(spans)) return { problem: `${path} has no "spans" list (expected {"spans": [...]})` };
  return { text: read.text, spans: spans.length };
}
