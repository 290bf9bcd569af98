import { writeOut } from './run-read.js';

/** Bytes of lines gathered before one write: a line per trace would otherwise be a write each. */
const CHUNK_CHARS = 1 << 16;

/** Writes JSON Lines to the output in chunks (see `writeOut`); `end` writes what is left. */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;

  async write(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.end();
  }

  async end(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await writeOut(text);
  }
}
