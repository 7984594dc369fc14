// A writable stream that keeps what the CLI prints, for tests that run `main` in-process.
import { Writable } from 'node:stream';

export type TextSink = Writable & { text: () => string; isTTY?: boolean };

/** tty: pretend to be a terminal, for the CLI's live progress line. */
export function sink(tty = false): TextSink {
  let buf = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  }) as TextSink;
  w.text = () => buf;
  if (tty) w.isTTY = true;
  return w;
}
