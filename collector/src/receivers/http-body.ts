// Reads an HTTP request body through Content-Encoding decompression with a byte limit on both the bytes on the wire
// and the decompressed bytes. Hand-written rather than e.g. raw-body: that limits only the raw stream, and a gzip
// bomb is small on the wire. Streaming zlib keeps memory at one chunk past the limit before reading stops.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

const ENCODINGS: Record<string, ContentEncoding> = {
  '': 'identity',
  identity: 'identity',
  gzip: 'gzip',
  deflate: 'deflate',
};

/** The request's Content-Encoding, or null when it is one Beacon cannot decode. */
export function contentEncodingOf(req: IncomingMessage): ContentEncoding | null {
  const header = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  return ENCODINGS[header] ?? null;
}

/** The body (raw or decompressed) is larger than the limit: 413. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The compressed body is corrupt: 400. */
export class InvalidBodyEncodingError extends Error {
  override readonly name = 'InvalidBodyEncodingError';
}

/** The client went away before the body was complete: nobody to answer. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

/**
 * Resolves with the decoded body. On any error it stops consuming (the decompressor is destroyed, the request is left
 * for node:http to drain or close) but does not destroy the request, so the caller can still answer 413 / 400.
 */
export function readRequestBody(
  req: IncomingMessage,
  encoding: ContentEncoding,
  maxBytes: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decompressor =
      encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
    const body: Readable = decompressor ?? req;
    const chunks: Buffer[] = [];
    let rawBytes = 0;
    let bodyBytes = 0;
    let settled = false;

    const onRawData = (chunk: Buffer) => {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) fail(new BodyTooLargeError(`request body exceeds ${maxBytes} bytes`));
    };
    const onBodyData = (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) {
        fail(new BodyTooLargeError(`request body exceeds ${maxBytes} bytes after decompression`));
      } else chunks.push(chunk);
    };
    const onBodyEnd = () => settle(() => resolve(Buffer.concat(chunks, bodyBytes)));
    const onDecompressError = (err: Error) =>
      fail(new InvalidBodyEncodingError(`invalid ${encoding} body: ${err.message}`));
    const onAborted = () =>
      fail(new RequestAbortedError('client closed the connection before the body was complete'));
    const onReqError = (err: Error) => fail(new RequestAbortedError(err.message));

    function settle(finish: () => void): void {
      if (settled) return;
      settled = true;
      req.off('data', onRawData);
      req.off('aborted', onAborted);
      req.off('error', onReqError);
      body.off('data', onBodyData);
      body.off('end', onBodyEnd);
      finish();
    }
    function fail(err: Error): void {
      settle(() => {
        if (decompressor) {
          req.unpipe(decompressor);
          decompressor.off('error', onDecompressError);
          decompressor.on('error', () => {}); // late errors of a stream we gave up on
          decompressor.destroy();
        }
        chunks.length = 0;
        reject(err);
      });
    }

    req.on('data', onRawData);
    req.on('aborted', onAborted);
    req.on('error', onReqError);
    if (decompressor) {
      decompressor.on('error', onDecompressError);
      req.pipe(decompressor);
    }
    body.on('data', onBodyData);
    body.on('end', onBodyEnd);
  });
}
