// Opens the served studio as a browser does: follows the one-time launch link and keeps the cookie.
import type { RunningServer } from '../../src-main/server/server.js';
import { rawRequest } from './raw-http.js';

/** Redeems a fresh launch link; returns the Cookie header value the browser would send. */
export async function launch(server: RunningServer): Promise<string> {
  const url = new URL(server.newLaunchUrl());
  const res = await rawRequest(server.port, { path: `${url.pathname}${url.search}` });
  if (res.status !== 303) throw new Error(`launch link answered ${res.status}`);
  const set = res.headers['set-cookie']?.[0];
  if (!set) throw new Error('launch link set no cookie');
  return set.split(';')[0]!;
}
