// The documents a retriever span returned, in the shapes MLflow, LangChain and OpenInference write.
import { resolveSpanIo, type ResolveOptions } from './carriers.js';
import { cut, ELLIPSIS_AFTER } from '../shared/text.js';
import type { DocumentAge } from './documents.js';
import { textKey } from './facts-keys.js';
import type { Span } from './types.js';
import { isObject } from './values.js';

/** One retrieved document. */
export interface DocumentFacts {
  /** The document's id, else its URI, else `text:<key>` of its content. */
  id: string;
  /** What to call it: its URI or id. */
  label: string;
  spanId: string;
  path: string;
  /** Its version, date and lifecycle markers (see `documentAge`). */
  age: DocumentAge;
  /**
   * Days by which its date is older than every other dated document retrieved with it (see
   * `daysBehindPeers`), when it is older than all of them; null otherwise.
   */
  behindDays: number | null;
}

/** Documents kept per trace. */
export const MAX_DOCUMENTS = 50;

/**
 * Documents of a retriever span: MLflow's list of `{page_content, metadata: {doc_uri, chunk_id}, id}`
 * (`mlflow.entities.Document`), LangChain's `Document` dicts, or OpenInference's flattened
 * `retrieval.documents.N.document.{id,content,metadata}`.
 */
export function retrievedDocuments(span: Span, options: ResolveOptions): Array<{ id: string; label: string; metadata: unknown }> {
  const out: Array<{ id: string; label: string; metadata: unknown }> = [];
  const output = resolveSpanIo(span, options).output?.value;
  const list = Array.isArray(output) ? output : isObject(output) && Array.isArray(output.documents) ? output.documents : [];
  for (const item of list.slice(0, MAX_DOCUMENTS)) {
    const doc = documentOf(item);
    if (doc) out.push(doc);
  }
  for (let i = 0; out.length < MAX_DOCUMENTS && span.attributes.has(`retrieval.documents.${i}.document.id`); i++) {
    const prefix = `retrieval.documents.${i}.document.`;
    const doc = documentOf({ id: span.attributes.get(`${prefix}id`), page_content: span.attributes.get(`${prefix}content`), metadata: span.attributes.get(`${prefix}metadata`) });
    if (doc) out.push(doc);
  }
  return out;
}

function documentOf(item: unknown): { id: string; label: string; metadata: unknown } | null {
  if (!isObject(item)) return null;
  const metadata = isObject(item.metadata) ? item.metadata : {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  const uri = text(metadata.doc_uri) ?? text(metadata.source) ?? text(metadata.uri);
  const chunk = text(metadata.chunk_id);
  const id = text(item.id) ?? (uri === null ? null : chunk === null ? uri : `${uri}#${chunk}`);
  if (id !== null) return { id, label: uri ?? id, metadata };
  const content = text(item.page_content) ?? text(item.content);
  const key = content === null ? null : textKey(content);
  return key === null ? null : { id: `text:${key}`, label: cut(content!, 60, ELLIPSIS_AFTER), metadata };
}
