// Redis connections for the queue (ioredis, which BullMQ drives). They retry forever with a
// short back-off, so a Redis that stops and comes back is waited for, not fatal; the reporter
// prints one line when the queue becomes unreachable and one when it is back, whatever the
// number of connections and of errors in between, with the password redacted.
import { Redis } from 'ioredis';
import { redact, type QueueUrl } from './queue-url.js';

/** One line per outage and one per recovery, for all the connections of a process. */
export class OutageReporter {
  private readonly down = new Set<string>();
  private reported = false;
  private closed = false;

  constructor(
    private readonly q: QueueUrl,
    private readonly say: (line: string) => void,
    private readonly who: string,
  ) {}

  /** Closing on purpose: the connections ending now are not an outage. */
  close(): void {
    this.closed = true;
  }

  lost(conn: string, err: unknown): void {
    if (this.closed) return;
    this.down.add(conn);
    if (this.reported) return;
    this.reported = true;
    const why = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
    this.say(redact(`${this.who}: queue ${this.q.shown} unreachable (${why.split('\n')[0]}); waiting for it to come back`, this.q));
  }

  back(conn: string): void {
    if (!this.down.delete(conn) || this.down.size > 0 || !this.reported) return;
    this.reported = false;
    this.say(`${this.who}: queue ${this.q.shown} reachable again; going on`);
  }

  /** Any other error a queue object reports: one redacted line, outages excepted (reported above). */
  error(err: unknown): void {
    if (this.closed || this.reported || isConnectionError(err)) return;
    const msg = err instanceof Error ? err.message : String(err);
    this.say(redact(`${this.who}: queue error: ${msg.split('\n')[0]}`, this.q));
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)$/.test(code)) return true;
  const msg = err instanceof Error ? err.message : '';
  return /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|LOADING/.test(msg);
}

/**
 * A connection BullMQ can use (maxRetriesPerRequest null: blocking commands wait across a
 * reconnect). `name` tells the reporter which one went down.
 */
export function openRedis(q: QueueUrl, name: string, reporter: OutageReporter): Redis {
  const client = new Redis(q.url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `latent-studio-${name}`,
    // Retry forever, at most every 2 s: a Redis restart is waited for.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...(q.tls ? { tls: {} } : {}),
  });
  client.on('error', (err: unknown) => {
    if (isConnectionError(err)) reporter.lost(name, err);
    else reporter.error(err);
  });
  client.on('close', () => reporter.lost(name, new Error('connection closed')));
  client.on('ready', () => reporter.back(name));
  return client;
}
