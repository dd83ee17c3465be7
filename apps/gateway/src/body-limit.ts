import { Transform, type Readable, type TransformCallback } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Passes a streamed request body through while counting it. Fastify's bodyLimit only guards the bodies it
 * parses itself; proxied bodies are streamed, so a chunked upload needs its own guard.
 */
export function limitedStream(source: Readable, limitBytes: number, onExceeded: () => void): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limitBytes) {
        onExceeded();
        callback(new BodyTooLargeError(limitBytes));
        return;
      }
      callback(null, chunk);
    },
  });
  source.on('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}
