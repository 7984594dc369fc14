// A studio's calls to its training host (protocol.ts) over HTTP with the host's token. Every
// failure is one line naming the host (never the token); answers are checked with the protocol's
// schemas before they are used.
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StudioError, type StudioErrorCode } from '../contract/errors.js';
import { partName } from '../system/part-name.js';
import {
  hostEvent,
  hostTrainStarted,
  missingResult,
  remotePaths,
  type HostEvent,
  type HostTrainRequest,
  type HostTrainStarted,
} from './protocol.js';

const envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

const CODES = new Set<StudioErrorCode>(['bad-request', 'not-found', 'conflict', 'unsupported', 'cancelled', 'io', 'internal']);

/** The most a trained model may weigh when it comes back (as an imported .lsmodel may). */
const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

export class HostClient {
  private readonly base: string;

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  async missing(hashes: string[]): Promise<string[]> {
    return missingResult.parse(await this.json('POST', remotePaths.missing, { hashes })).missing;
  }

  async putBlob(hash: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.json('PUT', remotePaths.blob(hash), bytes, signal);
  }

  async train(body: HostTrainRequest, signal?: AbortSignal): Promise<HostTrainStarted> {
    return hostTrainStarted.parse(await this.json('POST', remotePaths.train, body, signal));
  }

  async cancel(jobId: number): Promise<boolean> {
    const r = z.object({ cancelled: z.boolean() }).parse(await this.json('POST', remotePaths.cancel(jobId), {}));
    return r.cancelled;
  }

  /**
   * Follows one training job's events until its trainFinished (returned). The stream is the
   * host's Server-Sent Events; a malformed event is refused, never passed on.
   */
  async follow(
    jobId: number,
    onProgress: (e: Extract<HostEvent, { name: 'trainProgress' }>) => void,
    signal?: AbortSignal,
  ): Promise<Extract<HostEvent, { name: 'trainFinished' }>['payload']> {
    const res = await this.request('GET', remotePaths.events(jobId), undefined, signal);
    if (!res.body) throw this.fail('io', 'the event stream has no body');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data === '') continue; // a keep-alive comment
          const parsed = hostEvent.safeParse(parseJson(data));
          if (!parsed.success)
            throw this.fail('internal', `sent a malformed training event (${parsed.error.issues[0]?.message ?? 'invalid'})`);
          const ev = parsed.data as HostEvent;
          if (ev.name === 'trainFinished') return ev.payload;
          onProgress(ev);
        }
      }
    } catch (err) {
      if (err instanceof StudioError) throw err;
      if (signal?.aborted) throw new StudioError('cancelled', `training host ${this.url}: stopped following the training`);
      throw this.fail('io', `the event stream broke (${errText(err)})`);
    }
    throw this.fail('io', 'the event stream ended before the training did');
  }

  /** The trained model's .lsmodel, written under a temporary name beside `file`, then renamed. */
  async downloadModel(jobId: number, file: string, signal?: AbortSignal): Promise<number> {
    const res = await this.request('GET', remotePaths.model(jobId), undefined, signal);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_MODEL_BYTES) throw this.fail('bad-request', `sent a model of ${declared} bytes, over the 1 GiB limit`);
    const tmp = path.join(path.dirname(file), partName(path.basename(file)));
    const out = await open(tmp, 'wx');
    let bytes = 0;
    try {
      for await (const chunk of res.body ?? []) {
        const b = chunk as Uint8Array;
        bytes += b.length;
        if (bytes > MAX_MODEL_BYTES) throw this.fail('bad-request', 'sent a model over the 1 GiB limit');
        await out.write(b);
      }
      await out.close();
      await rename(tmp, file);
      return bytes;
    } catch (err) {
      await out.close().catch(() => {});
      await rm(tmp, { force: true });
      if (err instanceof StudioError) throw err;
      throw this.fail('io', `the model download broke (${errText(err)})`);
    }
  }

  private async json(method: string, p: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await this.request(method, p, body, signal);
    return this.unwrap(await res.text(), res.status);
  }

  private unwrap(text: string, status: number): unknown {
    const e = envelope.safeParse(parseJson(text));
    if (!e.success) throw this.fail('internal', `answered HTTP ${status} with something that is not the studio's protocol`);
    if (e.data.ok) return e.data.result;
    const code = CODES.has(e.data.error.code as StudioErrorCode) ? (e.data.error.code as StudioErrorCode) : 'internal';
    throw this.fail(code, e.data.error.message.split('\n')[0]!);
  }

  /** One request; an HTTP error becomes the host's own one-line message. */
  private async request(method: string, p: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: RequestInit['body'];
    if (body instanceof Uint8Array) {
      headers['content-type'] = 'application/octet-stream';
      // Buffers read from files are backed by a plain ArrayBuffer.
      payload = body as Uint8Array<ArrayBuffer>;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.base}${p}`, { method, headers, body: payload, signal, redirect: 'error' });
    } catch (err) {
      if (signal?.aborted) throw new StudioError('cancelled', `training host ${this.url}: stopped`);
      throw this.fail('io', `unreachable (${errText(err)})`);
    }
    if (res.status === 401) throw this.fail('bad-request', 'refused the token (check the token saved for it in the settings)');
    if (!res.ok) this.unwrap(await res.text(), res.status);
    return res;
  }

  private fail(code: StudioErrorCode, why: string): StudioError {
    return new StudioError(code, `training host ${this.url}: ${why.split(this.token).join('***')}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch's errors hide the reason in their cause (ECONNREFUSED and the like). */
function errText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
