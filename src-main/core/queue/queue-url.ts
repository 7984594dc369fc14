// The queue's address, redis://[user][:password@]host:port[/db] (rediss:// for TLS). The password
// is a secret: every message that could carry the URL or a driver's error text goes through
// redact(), and the URL is shown as redis://:***@host:port.
import { StudioError } from '../contract/errors.js';

export interface QueueUrl {
  /** The URL as given, password included: only for the Redis driver. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  /** The URL with the password replaced by ***. */
  readonly shown: string;
}

const MASK = '***';

export function parseQueueUrl(raw: string): QueueUrl {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // The text may hold the password: never repeat it.
    throw new StudioError('bad-request', 'the queue must be a URL like redis://HOST:PORT or redis://:PASSWORD@HOST:PORT');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new StudioError('bad-request', `the queue URL must start with redis:// or rediss://, not ${u.protocol}//`);
  if (u.hostname === '') throw new StudioError('bad-request', 'the queue URL names no host (redis://HOST:PORT)');
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbPart = u.pathname.replace(/^\//, '');
  const db = dbPart === '' ? 0 : Number(dbPart);
  if (!Number.isInteger(db) || db < 0 || db > 10_000)
    throw new StudioError('bad-request', "the queue URL's database (/N) must be a number");
  const password = u.password === '' ? undefined : decodeURIComponent(u.password);
  const username = u.username === '' ? undefined : decodeURIComponent(u.username);
  const shownUser = username ?? '';
  const shown = `${u.protocol}//${password !== undefined ? `${shownUser}:${MASK}@` : username ? `${shownUser}@` : ''}${u.host}${db ? `/${db}` : ''}`;
  return { url: raw, host: u.hostname.replace(/^\[|\]$/g, ''), port, db, tls: u.protocol === 'rediss:', username, password, shown };
}

/** `text` with every form of the queue's password (as given, URL-encoded, the whole URL) masked. */
export function redact(text: string, q: Pick<QueueUrl, 'url' | 'password' | 'shown'>): string {
  let out = text.split(q.url).join(q.shown);
  if (q.password) {
    for (const form of new Set([q.password, encodeURIComponent(q.password)])) if (form.length > 0) out = out.split(form).join(MASK);
  }
  return out;
}
