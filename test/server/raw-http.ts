// Raw HTTP for the server tests: chosen Host/Origin/Cookie headers (fetch forbids them) and
// chunked uploads that keep sending after the answer, to see whether the server reads on.
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface StreamedUpload {
  /** Status line of the answer, or null when none came. */
  status: number | null;
  body: string;
  /** Body bytes the client managed to hand to its socket before the server closed it. */
  sent: number;
  /** Whether the server closed the connection before the client finished sending. */
  closedEarly: boolean;
}

/**
 * Sends `total` bytes in 64 KB pieces, chunked (no Content-Length) unless `contentLength` is
 * given, and keeps sending after an answer arrives; gives up after `timeoutMs`.
 */
export function streamUpload(
  port: number,
  options: { path: string; headers: Record<string, string>; total: number; contentLength?: number; timeoutMs?: number },
): Promise<StreamedUpload> {
  return new Promise((resolve) => {
    const piece = Buffer.alloc(64 * 1024, 7);
    const chunked = options.contentLength === undefined;
    const head = [
      `POST ${options.path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`),
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.contentLength}`,
      '',
      '',
    ].join('\r\n');
    let answer = '';
    let sent = 0;
    let done = false;
    const socket = net.connect(port, '127.0.0.1');
    const finish = (closedEarly: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      const body = answer.includes('\r\n\r\n') ? answer.slice(answer.indexOf('\r\n\r\n') + 4) : '';
      resolve({ status: status ? Number(status[1]) : null, body, sent, closedEarly });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    const pump = () => {
      while (!done && sent < options.total) {
        const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        sent += piece.length;
        if (!socket.write(framed)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!done && chunked) socket.write('0\r\n\r\n');
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => finish(sent < options.total));
    socket.on('close', () => finish(sent < options.total));
  });
}
