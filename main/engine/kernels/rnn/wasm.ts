/**
 * Loads the fused-RNN WebAssembly module (compiled from assembly/rnn/index.ts).
 *
 * In the built app the bytes are embedded in the bundle: scripts/build-main.mjs compiles
 * the AssemblyScript and passes the module to esbuild as the base64 constant
 * __SEQLAB_RNN_WASM__, so nothing is read from disk (no asar paths). When the sources run
 * unbundled (Vitest), the module is compiled on demand by scripts/build-wasm.mjs, which
 * caches it under node_modules/.cache/seqlab/ keyed by a hash of the source and flags.
 *
 * The module comes in two forms (scripts/build-wasm.mjs WASM_FORMS): plain SIMD, and with
 * relaxed SIMD's fused multiply-add in the GEMM tiles. The second is used where the V8 that
 * runs the engine compiles it (Electron's does; Node 20's needs --experimental-wasm-relaxed-simd,
 * which is set here for the engine's own process) unless SEQLAB_FUSED_OFF=fma.
 */
import v8 from 'node:v8';
import { FUSED_SWITCHES, fusedOn } from '../switches';
import { Team, chunkCalls, teamSize, type SplitJob } from './team';

/** Both forms of the module, base64 (the bundle's constant). */
declare const __SEQLAB_RNN_WASM__: { simd: string; fma: string } | undefined;

FUSED_SWITCHES.fma = "the kernel module's GEMM tiles with relaxed SIMD's fused multiply-add (off: the plain SIMD module, a multiply and an add)";

export type KernelForm = 'simd' | 'fma';

/** The most chunks (partial sums) RnnWasm.reduceByChunks cuts a batch into. */
export const REDUCE_PARTS = 16;

export interface RnnExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, accumulate: number): void;
  gemmBias(a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, accumulate: number, bias: number): void;
  gemmFma(a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, accumulate: number): void;
  gemmBiasFma(a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, accumulate: number, bias: number): void;
  fillRows(c: number, bias: number, M: number, N: number): void;
  colSum(a: number, out: number, M: number, N: number, accumulate: number): void;
  transpose(src: number, dst: number, M: number, N: number): void;
  rnnForward(T: number, B: number, U: number, xw: number, rk: number, mh: number, kind: number, hs: number, hds: number): void;
  rnnBackward(T: number, B: number, U: number, dys: number, returnSeq: number, rkT: number, mh: number, kind: number, hs: number, dxw: number, dh: number): void;
  gruForward(T: number, B: number, U: number, xw: number, rk: number, mh: number, kind: number, rkind: number, hs: number, hds: number, gates: number, tmp: number): void;
  gruBackward(T: number, B: number, U: number, dys: number, returnSeq: number, rkT: number, mh: number, kind: number, rkind: number, hs: number, hds: number, gates: number, dxw: number, rhs: number, dh: number, tmp: number): void;
  gruForwardRA(T: number, B: number, U: number, xw: number, rk: number, brec: number, mh: number, kind: number, rkind: number, hs: number, hds: number, gates: number, recs: number, inner: number): void;
  gruBackwardRA(T: number, B: number, U: number, dys: number, returnSeq: number, rkT: number, mh: number, kind: number, rkind: number, hs: number, gates: number, recs: number, dxw: number, dinner: number, dh: number, tmp: number): void;
  lstmForward(T: number, B: number, U: number, xw: number, rk: number, mh: number, kind: number, rkind: number, hs: number, hds: number, cs: number, tcs: number, gates: number): void;
  toTimeMajor(src: number, dst: number, B: number, T: number, F: number, reverse: number, mask: number): void;
  toBatchMajor(src: number, dst: number, B: number, T: number, F: number, reverse: number, mask: number, ld: number): void;
  transposePad(src: number, dst: number, M: number, N: number, ldd: number): void;
  conv1dForward(B: number, Tp: number, C: number, To: number, s: number, kC: number, N: number, x: number, w: number, bias: number, y: number, kind: number): void;
  conv1dForwardPool(B: number, Tp: number, C: number, To: number, s: number, kC: number, N: number, x: number, w: number, bias: number, y: number, kind: number, p: number, ps: number, padL: number, Top: number, py: number, pidx: number): void;
  dactMul(kind: number, y: number, dz: number, n: number): void;
  conv1dFilterGrad(B: number, Tp: number, C: number, To: number, s: number, kC: number, N: number, x: number, dz: number, dw: number, accumulate: number): void;
  conv1dInputGrad(B: number, Tp: number, C: number, To: number, s: number, kC: number, N: number, dz: number, wT: number, cols: number, dx: number): void;
  conv1dBackward(B: number, Tp: number, C: number, To: number, s: number, kC: number, N: number, kind: number, y: number, dz: number, x: number, dw: number, db: number, wT: number, cols: number, dx: number, direct: number): void;
  conv1dFlipKernel(w: number, wf: number, k: number, C: number, N: number): void;
  padSeq(src: number, dst: number, B: number, T: number, C: number, padL: number, Tp: number): void;
  cropSeq(src: number, dst: number, B: number, Tp: number, C: number, padL: number, T: number): void;
  maxPool1dForward(B: number, T: number, C: number, To: number, p: number, s: number, padL: number, x: number, y: number, idx: number): void;
  maxPool1dBackward(B: number, T: number, C: number, To: number, dy: number, idx: number, dx: number): void;
  maxPool1dBackwardTiled(B: number, T: number, C: number, To: number, p: number, dy: number, idx: number, dx: number): void;
  addTo(dst: number, src: number, n: number): void;
  conv2dForward(B: number, IHp: number, IWp: number, CI: number, OH: number, OW: number, CO: number, FH: number, FW: number, SH: number, SW: number, x: number, w: number, bias: number, y: number, kind: number): void;
  padImages(src: number, dst: number, B: number, IH: number, IW: number, C: number, top: number, left: number, IHp: number, IWp: number): void;
  maxPool2dForward(B: number, IH: number, IW: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, top: number, left: number, x: number, y: number, idx: number): void;
  maxPool2dBackward(B: number, IH: number, IW: number, C: number, OH: number, OW: number, dy: number, idx: number, dx: number): void;
  conv2dFilterGrad(B: number, IH: number, IW: number, CI: number, OH: number, OW: number, CO: number, FH: number, FW: number, SH: number, SW: number, top: number, left: number, x: number, dy: number, cols: number, dw: number, accumulate: number): void;
  conv2dInputGrad(B: number, IH: number, IW: number, CI: number, OH: number, OW: number, CO: number, FH: number, FW: number, SH: number, SW: number, top: number, left: number, dy: number, wT: number, cols: number, dx: number): void;
  lstmBackward(T: number, B: number, U: number, dys: number, returnSeq: number, rkT: number, mh: number, kind: number, rkind: number, cs: number, tcs: number, gates: number, dxw: number, dh: number, dc: number, tmp: number): void;
  chunkForward(params: number, b0: number, nb: number, tmp: number): void;
  chunkBackward(params: number, b0: number, nb: number, tmp: number): void;
  partFloats(I: number, U: number, GU: number): number;
  sumParts(parts: number, out: number, n: number, chunks: number, stride: number): void;
  denseForward(M: number, I: number, N: number, x: number, w: number, bias: number, y: number, kind: number): void;
  denseInputGrad(M: number, I: number, N: number, dz: number, wT: number, dx: number): void;
  rmspropUpdate(v: number, g: number, ms: number, mom: number, n: number, decay: number, oneMinusDecay: number, momentum: number, lr: number, eps: number): void;
}

/** Memory kept between an op's forward and backward pass. */
export interface Region {
  start: number;
  end: number;
  tape: unknown;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

/**
 * A copy of a Float32Array. Neither `.slice()` nor the copying constructor: in Node 20
 * (V8 11.3) both take a slow element-by-element path on a view of this module's memory
 * (13 ms for 1M floats), while TypedArray.set copies it in well under 1 ms.
 */
/** Successive 16-byte-aligned arrays inside a kept region from `start`: each call takes `floats` floats and returns its byte offset. */
export function carve(start: number): (floats: number) => number {
  let p = start;
  return (floats) => {
    const q = p;
    p += (floats * 4 + 15) & ~15;
    return q;
  };
}

export function copyOf(v: Float32Array): Float32Array {
  const out = new Float32Array(v.length);
  out.set(v);
  return out;
}

/**
 * The module's memory: a stack of regions that ops keep for their backward pass (tfjs
 * runs backward passes in the reverse order of the forward passes, so a stack fits),
 * and above it a scratch area that each op reuses.
 */
export class RnnWasm {
  /** Helper threads for whole-batch kernels (null: this thread only). */
  team: Team | null = null;
  private top: number;
  private readonly base: number;
  private stack: Region[] = [];
  /** Bumped whenever scratch may be reused (an op begins, a region is kept or released). */
  private epoch = 0;
  /** Called after the stack of kept regions changed (lazy-outputs.ts settles its tensors). */
  onStackChange: (() => void) | null = null;
  /** Tensors whose values also lie in this memory (by tfjs dataId): see markResident. */
  private readonly resident = new WeakMap<object, { offset: number; floats: number; region: Region | null; epoch: number }>();
  constructor(readonly k: RnnExports) {
    this.base = align(k.heapBase());
    this.top = this.base;
  }
  private stackTop(): number {
    return this.stack.length ? this.stack[this.stack.length - 1]!.end : this.base;
  }
  private ensure(end: number): void {
    const need = end - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
  }
  /** Starts an op: scratch allocations begin above the kept regions. */
  begin(): void {
    this.top = this.stackTop();
    this.epoch++;
  }
  /**
   * Keeps floats for a backward pass under the gradient tape `tape`. Regions of an earlier
   * tape (a forward pass whose gradient was never asked for) are dropped first.
   */
  keep(floats: number, tape: unknown): Region {
    if (this.stack.length && this.stack[this.stack.length - 1]!.tape !== tape) this.stack = [];
    const start = this.stackTop();
    const r = { start, end: start + align(floats * 4), tape };
    this.ensure(r.end);
    this.stack.push(r);
    this.top = r.end;
    this.epoch++;
    this.onStackChange?.();
    return r;
  }
  /**
   * Starts a backward pass for region r: drops r and every region above it from the
   * stack; scratch begins above r so that r stays readable during this pass.
   */
  release(r: Region): void {
    const i = this.stack.indexOf(r);
    if (i < 0) throw new Error('fused RNN: the forward pass data of this op is gone');
    this.stack.length = i;
    this.top = r.end;
    this.epoch++;
    this.onStackChange?.();
  }
  /** Whether region r is still kept (its memory unchanged until it is released). */
  holds(r: Region): boolean {
    return this.stack.includes(r);
  }
  /**
   * Notes that tensor t (an op's output, already copied to tfjs) also lies at `offset` in
   * this memory, so that the next fused op can read it there instead of copying it back in:
   * with a region, for as long as that region is kept; without (scratch), only until the
   * next op begins or a region is kept or released.
   */
  markResident(t: { dataId: object }, offset: number, floats: number, region: Region | null): void {
    this.resident.set(t.dataId, { offset, floats, region, epoch: this.epoch });
  }
  /** Where tensor t's `floats` values lie in this memory, if they still do (see markResident). */
  residentOffset(t: { dataId: object }, floats: number): number | null {
    const e = this.resident.get(t.dataId);
    if (!e || e.floats !== floats) return null;
    if (e.region) return this.stack.includes(e.region) ? e.offset : null;
    return e.epoch === this.epoch ? e.offset : null;
  }
  /** Moves the scratch top above `end` (resident data that the current op goes on reading). */
  protect(end: number): void {
    this.top = Math.max(this.top, align(end));
    this.ensure(this.top);
  }
  /** Makes sure that n more floats above the current scratch top fit (memory.grow throws RangeError if not). */
  reserve(n: number): void {
    this.ensure(this.top + n * 4 + 4096);
  }
  /** Reserves n floats of scratch (16-byte aligned); returns the byte offset. */
  alloc(n: number): number {
    const p = this.top;
    this.top = p + align(n * 4);
    this.ensure(this.top);
    return p;
  }
  /** Threads a whole-batch kernel may be split over, this one included. */
  get threads(): number {
    return this.team?.size ?? 1;
  }
  /**
   * Runs kernel `name` over `total` samples, cut into chunks that the threads share
   * (team.ts). Chunks must write disjoint memory, or private scratch (job.perThread).
   * On one thread it is a single call for the whole batch.
   */
  split(name: keyof RnnExports, total: number, job: SplitJob): void {
    const chunked = job.chunk !== undefined && job.chunk < total;
    if (this.team && total > 1 && (job.chunk === undefined || chunked)) {
      this.team.run(name, total, job);
      return;
    }
    const fn = this.k[name] as unknown as (...args: number[]) => void;
    if (chunked) {
      // a fixed cut on this thread alone: the same calls, one after the other
      for (const a of chunkCalls(total, job, job.chunk!)) fn(...a);
      return;
    }
    const a = [...job.args];
    a[job.count] = total * (job.scale ?? 1);
    fn(...a);
  }
  /**
   * Sums a reduction over the batch that `run` writes as one partial per chunk (SplitJob
   * perChunk, `floats` apart from `first`): the batch cut into at most REDUCE_PARTS chunks of a size
   * that does not depend on the thread count, and the partials added in chunk order, so the
   * result is the same to the bit on any number of threads and in every run. Returns the
   * offset of the sum (the first partial). `run` gets the chunk size and zeroed partials.
   */
  reduceByChunks(total: number, floats: number, run: (chunk: number, first: number) => void): number {
    const chunk = Math.max(1, Math.ceil(total / REDUCE_PARTS));
    const parts = Math.max(1, Math.ceil(total / chunk));
    const stride = (floats + 3) & ~3;
    const first = this.alloc(parts * stride);
    this.view(first, parts * stride).fill(0);
    run(chunk, first);
    for (let q = 1; q < parts; q++) this.k.addTo(first, first + q * stride * 4, floats);
    return first;
  }
  /** The byte stride between reduceByChunks' partials of `floats` floats. */
  static partStride(floats: number): number {
    return ((floats + 3) & ~3) * 4;
  }
  /** A fresh view (the buffer changes when memory grows). */
  view(p: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, p, n);
  }
  put(src: ArrayLike<number>): number {
    const p = this.alloc(src.length);
    this.view(p, src.length).set(src);
    return p;
  }
}

/** The module's memory limit in 64 KiB pages (4 GiB: all a 32-bit module can address). */
export const MAX_PAGES = 65536;

function instantiate(bytes: Uint8Array): RnnWasm {
  const mod = new WebAssembly.Module(bytes as BufferSource);
  // shared, so that helper threads (team.ts) can run the same kernels on the same data
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const inst = new WebAssembly.Instance(mod, {
    env: {
      memory,
      abort: () => {
        throw new Error('rnn kernel abort');
      },
    },
  });
  const w = new RnnWasm(inst.exports as unknown as RnnExports);
  const threads = teamSize();
  if (threads > 1) {
    try {
      w.team = new Team(mod, memory, inst.exports as unknown as Record<string, unknown>, threads);
    } catch {
      // no worker threads here: one thread it is
    }
  }
  return w;
}

let loaded: RnnWasm | null = null;
let loadedForm: KernelForm | null = null;
let loading: Promise<RnnWasm> | null = null;

function embedded(form: KernelForm): Uint8Array | undefined {
  return typeof __SEQLAB_RNN_WASM__ === 'object' && __SEQLAB_RNN_WASM__ ? new Uint8Array(Buffer.from(__SEQLAB_RNN_WASM__[form], 'base64')) : undefined;
}

async function compileFromSource(form: KernelForm): Promise<Uint8Array> {
  // Development and tests only (the bundle always carries the module): the same
  // compiler call and cache as the build, scripts/build-wasm.mjs.
  const path = await import('node:path');
  const url = await import('node:url');
  const script = path.join(process.cwd(), 'scripts/build-wasm.mjs');
  const mod = (await import(/* @vite-ignore */ url.pathToFileURL(script).href)) as { rnnWasmBytes(form: KernelForm): Promise<Uint8Array> };
  return mod.rnnWasmBytes(form);
}

/**
 * Whether this V8 compiles the relaxed-SIMD form: Electron's (Chrome 114 and later) does;
 * Node 20's V8 (11.3) has it behind a flag, set here (it only adds instructions to what the
 * validator accepts, and is process-wide, so every kernel thread sees it).
 */
function relaxedSimdUsable(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes as BufferSource)) return true;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes as BufferSource);
}

async function formBytes(form: KernelForm): Promise<Uint8Array> {
  return embedded(form) ?? (await compileFromSource(form));
}

/** Loads (once) the kernel module. Rejects when WebAssembly SIMD is unavailable. */
export function loadRnnWasm(): Promise<RnnWasm> {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) {
    loading = (async () => {
      let form: KernelForm = 'simd';
      let bytes: Uint8Array | null = null;
      if (fusedOn('fma')) {
        const fma = await formBytes('fma');
        if (relaxedSimdUsable(fma)) {
          form = 'fma';
          bytes = fma;
        }
      }
      loaded = instantiate(bytes ?? (await formBytes('simd')));
      loadedForm = form;
      return loaded;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Which form of the module is loaded (null: none yet). */
export function rnnWasmForm(): KernelForm | null {
  return loadedForm;
}

/** The module if already loaded (layer calls are synchronous). */
export function rnnWasm(): RnnWasm | null {
  return loaded;
}
