import type { Writable } from 'node:stream';

/** Text written to a stream with back-pressure: a large result waits for the pipe instead of filling memory. */
export interface TextSink {
  write(text: string): Promise<void>;
}

/**
 * The reader of the output went away (`chassis sql … | head`): not a failure of the query, so
 * the command stops reading rows and exits 0 without a message.
 */
export class OutputClosed extends Error {
  constructor() {
    super('the output stream was closed by its reader');
  }
}

export function streamSink(stream: Writable): TextSink {
  let failure: NodeJS.ErrnoException | null = null;
  // Without a listener an EPIPE would be an uncaught 'error' event with a stack trace.
  stream.on('error', (err: NodeJS.ErrnoException) => (failure ??= err));
  const check = () => {
    if (failure === null) return;
    throw failure.code === 'EPIPE' ? new OutputClosed() : failure;
  };
  return {
    async write(text) {
      check();
      if (!stream.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.once('drain', done).once('error', done).once('close', done);
        });
      }
      check();
    },
  };
}
