import type { Writable } from 'node:stream';

/** Text written to a stream with back-pressure: a large result waits for the pipe instead of filling memory. */
export interface TextSink {
  write(text: string): Promise<void>;
}

export function streamSink(stream: Writable): TextSink {
  return {
    write: (text) => (stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve))),
  };
}
