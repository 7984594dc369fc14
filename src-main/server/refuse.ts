// Answering a request whose body we will not read (too large, bad name, wrong method): say why,
// then close the connection. Keeping it open would make Node read and discard the rest of the
// body, which a client could make as long as it likes.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  req.pause();
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    // Node ends the socket once this answer is flushed, instead of reading the body on.
    connection: 'close',
  });
  res.end(text);
  // Belt and braces: whatever Node's keep-alive logic decides, the socket goes when we are done.
  res.once('finish', () => req.socket.destroy());
}
