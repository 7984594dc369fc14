// Request and response bodies of the served studio: JSON answers, and JSON requests read up to a
// cap (a body over it stops being read at once; the caller answers, then closes the connection).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StudioErrorCode } from '../core/contract/errors.js';

const MAX_BODY = 1 << 20;

/** The HTTP status of each of the contract's error codes. */
export const STATUS: Record<StudioErrorCode, number> = {
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  unsupported: 501,
  cancelled: 499,
  io: 500,
  internal: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** The JSON body, or why not; a body over MAX_BODY stops being read at once. */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Not destroying req here: the caller still answers, then closes the connection.
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > MAX_BODY) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new Error('request body is not valid JSON'));
      }
    });
  });
}

export class BodyTooLarge extends Error {
  constructor() {
    super(`request body is larger than ${MAX_BODY / (1024 * 1024)} MB`);
  }
}
