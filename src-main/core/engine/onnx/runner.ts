// The learned transforms (analysis, synthesis) on onnxruntime-node's CPU kernels, from ONNX graphs
// written from the model's own weights. Optional: undefined when onnxruntime-node does not load or
// LATENT_STUDIO_NO_ONNX=1, and the codec then keeps tfjs. Nothing that selects an entropy-coding
// table runs here (the hyper-synthesis stays in exact arithmetic), so a file's bytes never depend
// on which one ran beyond the transforms' float tolerance.
import type * as Ort from 'onnxruntime-node';
import type { ParamStore } from '../models/layers/params.js';
import { transformParams, type TransformParams } from './from-params.js';
import type { TensorTile, TransformRunner } from '../models/layers/transform-runner.js';
import { analysisModel, ANALYSIS_INPUT, ANALYSIS_OUTPUT, synthesisModel, SYNTHESIS_INPUT, SYNTHESIS_OUTPUT } from './transforms-graph.js';

type OrtModule = typeof Ort;

export const NO_ONNX_ENV = 'LATENT_STUDIO_NO_ONNX';

export type OnnxStatus = { available: true; version: string; reason: string } | { available: false; reason: string };

export interface OnnxRunnerOptions {
  /** Intra-op threads of each session (default 1: the codec's parallelism is its worker threads). */
  threads?: number;
  env?: NodeJS.ProcessEnv;
}

let loading: Promise<{ ort: OrtModule } | { error: string }> | null = null;

function loadOrt(): Promise<{ ort: OrtModule } | { error: string }> {
  loading ??= import('onnxruntime-node').then(
    (m) => {
      // A CommonJS package: its exports arrive as `default` or as named exports, depending on the loader.
      const ort = (m as unknown as { default?: OrtModule }).default ?? m;
      return typeof ort.InferenceSession?.create === 'function' ? { ort } : { error: 'the package has no InferenceSession' };
    },
    (err: unknown) => ({ error: firstLine(err) }),
  );
  return loading;
}

/** Whether the ONNX path is available here, with one line saying why (for display). */
export async function onnxStatus(env: NodeJS.ProcessEnv = process.env): Promise<OnnxStatus> {
  if (env[NO_ONNX_ENV] === '1') return { available: false, reason: `${NO_ONNX_ENV}=1: the transforms run on tfjs` };
  const r = await loadOrt();
  if ('error' in r) return { available: false, reason: `onnxruntime-node did not load (${r.error}): the transforms run on tfjs` };
  const version = r.ort.env.versions.node ?? r.ort.env.versions.common;
  return { available: true, version, reason: `onnxruntime-node ${version} (CPU)` };
}

interface CachedSession {
  session: Promise<Ort.InferenceSession>;
  users: number;
}

/** One session per (graph, weights, threads), shared by every runner of the same model. */
const sessions = new Map<string, CachedSession>();

function acquire(ort: OrtModule, key: string, model: () => Uint8Array, threads: number): Promise<Ort.InferenceSession> {
  let entry = sessions.get(key);
  if (!entry) {
    const session = ort.InferenceSession.create(model(), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Pool threads sleep between ops instead of spinning: the studio's worker threads (and, here, a
      // training) want those cores (2 threads, loaded machine: 3.6 against 2.7 MP per CPU second).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const created: CachedSession = { session, users: 0 };
    entry = created;
    sessions.set(key, created);
    // A failed creation is not cached: the next runner tries again.
    session.catch(() => {
      if (sessions.get(key) === created) sessions.delete(key);
    });
  }
  entry.users++;
  return entry.session;
}

function release(key: string): void {
  const entry = sessions.get(key);
  if (!entry || --entry.users > 0) return;
  sessions.delete(key);
  entry.session.then(
    (s) => s.release(),
    () => undefined,
  );
}

/** Sessions alive now (tests check that disposing the last runner of a model frees them). */
export function openSessions(): number {
  return sessions.size;
}

type Direction = 'analysis' | 'synthesis';

class OnnxTransformRunner implements TransformRunner {
  private readonly held = new Map<Direction, Promise<Ort.InferenceSession>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private disposed = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly tp: TransformParams,
    private readonly threads: number,
  ) {}

  analysis(tile: TensorTile): Promise<TensorTile> {
    const unit = 2 ** this.tp.stages;
    if (tile.h % unit !== 0 || tile.w % unit !== 0 || tile.h < unit || tile.w < unit)
      return Promise.reject(new RangeError(`onnx analysis: a ${tile.w}x${tile.h} tile is not padded to a multiple of ${unit}`));
    return this.run('analysis', tile, this.tp.channels);
  }

  synthesis(tile: TensorTile): Promise<TensorTile> {
    return this.run('synthesis', tile, this.tp.latentChannels);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const releaseAll = () => {
      for (const d of this.held.keys()) release(this.key(d));
      this.held.clear();
    };
    // Runs under way keep their sessions until they finish.
    if (this.inFlight.size === 0) releaseAll();
    else void Promise.allSettled([...this.inFlight]).then(releaseAll);
  }

  private key(d: Direction): string {
    return `${d}:${this.tp.hash}:${this.threads}`;
  }

  private session(d: Direction): Promise<Ort.InferenceSession> {
    let s = this.held.get(d);
    if (!s) {
      const model = () => (d === 'analysis' ? analysisModel : synthesisModel)(this.tp.weights, this.tp.stages);
      s = acquire(this.ort, this.key(d), model, this.threads);
      this.held.set(d, s);
    }
    return s;
  }

  private run(d: Direction, tile: TensorTile, channels: number): Promise<TensorTile> {
    if (this.disposed) return Promise.reject(new Error(`onnx ${d}: the runner was disposed`));
    if (tile.c !== channels) return Promise.reject(new RangeError(`onnx ${d}: the tile has ${tile.c} channels, the model ${channels}`));
    if (tile.data.length !== tile.h * tile.w * tile.c)
      return Promise.reject(new RangeError(`onnx ${d}: ${tile.data.length} values for a ${tile.w}x${tile.h}x${tile.c} tile`));
    const run = (async () => {
      const session = await this.session(d);
      const [input, output] = d === 'analysis' ? [ANALYSIS_INPUT, ANALYSIS_OUTPUT] : [SYNTHESIS_INPUT, SYNTHESIS_OUTPUT];
      // The binding refuses views of a SharedArrayBuffer (the tile pool's slots): those are copied.
      const data = tile.data.buffer instanceof ArrayBuffer ? tile.data : Float32Array.from(tile.data);
      const feeds = { [input]: new this.ort.Tensor('float32', data, [1, tile.h, tile.w, tile.c]) };
      const out = (await session.run(feeds))[output];
      if (!out || out.type !== 'float32' || out.dims.length !== 4) throw new Error(`onnx ${d}: the session gave no float32 NHWC ${output}`);
      return { data: out.data as Float32Array, h: out.dims[1]!, w: out.dims[2]!, c: out.dims[3]! };
    })();
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }
}

/**
 * A runner for the model's analysis and synthesis transforms (`stages` stride-2 stages: 4 for
 * photos, 2 for small images), or undefined where onnxStatus says the ONNX path is not available.
 * Sessions are built on first use of each direction and shared by runners of the same weights.
 */
export async function onnxRunner(params: ParamStore, stages: number, opts: OnnxRunnerOptions = {}): Promise<TransformRunner | undefined> {
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`onnx: threads must be a positive integer, got ${threads}`);
  const status = await onnxStatus(opts.env);
  if (!status.available) return undefined;
  const r = await loadOrt();
  if ('error' in r) return undefined;
  return new OnnxTransformRunner(r.ort, transformParams(params, stages), threads);
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
  return msg.split('\n')[0] ?? msg;
}
