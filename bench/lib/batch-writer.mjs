import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const BATCH = 1 << 20;

/**
 * A file written in batches of about 1 MiB, honouring the stream's backpressure, so a generator of
 * gigabytes keeps one batch in memory. A write error rejects the next `write`/`close` that waits.
 */
export class BatchWriter {
  /** Bytes handed to {@link write} so far. */
  written = 0;
  #batch = '';
  #batchBytes = 0;

  constructor(path) {
    this.ws = createWriteStream(path, { highWaterMark: 4 << 20 });
    this.failed = new Promise((_, reject) => this.ws.once('error', reject));
    // Awaited through Promise.race in write/close; this only keeps an early error from going unhandled.
    this.failed.catch(() => {});
  }

  /** Adds `text` (`byteLength` of its UTF-8 bytes), writing the batch when it is full. */
  async write(text, byteLength = Buffer.byteLength(text)) {
    this.#batch += text;
    this.#batchBytes += byteLength;
    this.written += byteLength;
    if (this.#batchBytes >= BATCH) await this.#flush();
  }

  /** Writes what is left and closes the file. */
  async close() {
    await this.#flush();
    this.ws.end();
    await Promise.race([once(this.ws, 'finish'), this.failed]);
  }

  async #flush() {
    if (!this.#batch) return;
    const ok = this.ws.write(this.#batch);
    this.#batch = '';
    this.#batchBytes = 0;
    if (!ok) await Promise.race([once(this.ws, 'drain'), this.failed]);
  }
}
