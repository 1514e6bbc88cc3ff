/**
 * Helper threads for the kernel module: each runs its own instance of the same
 * WebAssembly module on the same shared memory, so a whole-batch kernel can be split
 * by samples between the calling thread and the helpers (PyTorch uses every core too).
 *
 * A job is a kernel's export name, its arguments for the first sample, and how each
 * argument moves with the sample index (a byte stride) and with the thread (for private
 * scratch). The batch is cut into several chunks per thread, and every thread, the caller
 * included, takes the next chunk from a shared counter until none is left: a core that is
 * slower at the moment (another program, a busy neighbour on a virtual machine) simply
 * takes fewer chunks, and a helper that wakes late takes none (the caller does not wait
 * for it, only for chunks that were taken). Helpers poll for a quarter of a millisecond after a job, then sleep on
 * Atomics.wait (waking one costs a few hundred microseconds on the test machine, and
 * within a training batch the next kernel usually follows sooner). They are
 * worker_threads started from inline code (nothing to find on disk inside an asar),
 * unref'd so that they never keep a process alive.
 *
 * SEQLAB_THREADS=n caps the threads (1: no helpers). The default is the machine's
 * parallelism, at most 4.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const MAX_ARGS = 24;
/** How long an idle helper polls for the next job before it sleeps, ms. */
const SPIN_MS = 0.5;
/** Chunks per thread: enough to even out unequal cores and keep the last chunk short, few enough to keep calls cheap. */
const CHUNKS_PER_THREAD = 8;

// The job block. Int32 words:
const SEQ = 0; // job sequence, 1..0x7fff (-1: stop)
const NEXT = 1; // (sequence << 16) | next chunk to take: a thread that wakes late cannot take a later job's chunk
const FINISHED = 2; // chunks finished, by all threads
const FN = 3; // export index
const NARGS = 4;
const COUNT_ARG = 5; // which argument is the number of samples
const CHUNK = 6; // samples per chunk
const TOTAL = 7; // samples in all
const ERROR = 8; // a helper's kernel threw
// then four Float64 arrays of MAX_ARGS: arguments for sample 0, bytes per sample, bytes per thread, bytes per chunk
const F64 = 64;
const BLOCK_BYTES = F64 + 4 * MAX_ARGS * 8;
// (the scale of the count argument: samples times this, e.g. floats per sample)
const SCALE = MAX_ARGS - 1;

/**
 * The chunk loop of the calling thread for job `seq` (the helpers' source below has the
 * same loop in plain JS). A chunk is claimed by compare-and-swap on NEXT, which carries
 * the job's sequence number, so a claim can only succeed for the job it was meant for.
 */
function takeChunks(c: Int32Array, base: Float64Array, perItem: Float64Array, perThread: Float64Array, perChunk: Float64Array, fn: (...a: number[]) => void, thread: number, seq: number): void {
  for (;;) {
    const cur = Atomics.load(c, NEXT);
    if (cur >>> 16 !== seq) return;
    const i = cur & 0xffff;
    const chunk = c[CHUNK]!;
    const total = c[TOTAL]!;
    const b0 = i * chunk;
    if (b0 >= total) return;
    if (Atomics.compareExchange(c, NEXT, cur, cur + 1) !== cur) continue;
    const n = c[NARGS]!;
    const a = new Array<number>(n);
    for (let j = 0; j < n; j++) a[j] = base[j]! + b0 * perItem[j]! + thread * perThread[j]! + i * perChunk[j]!;
    a[c[COUNT_ARG]!] = Math.min(chunk, total - b0) * base[SCALE]!;
    try {
      fn(...a);
    } finally {
      Atomics.add(c, FINISHED, 1);
    }
  }
}

const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, block, names, thread } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } });
const c = new Int32Array(block, 0, 16);
const base = new Float64Array(block, ${F64}, ${MAX_ARGS});
const perItem = new Float64Array(block, ${F64 + MAX_ARGS * 8}, ${MAX_ARGS});
const perThread = new Float64Array(block, ${F64 + 2 * MAX_ARGS * 8}, ${MAX_ARGS});
const perChunk = new Float64Array(block, ${F64 + 3 * MAX_ARGS * 8}, ${MAX_ARGS});
function takeChunks(seq) {
  for (;;) {
    const cur = Atomics.load(c, ${NEXT});
    if ((cur >>> 16) !== seq) return;
    const i = cur & 0xffff, chunk = c[${CHUNK}], total = c[${TOTAL}], b0 = i * chunk;
    if (b0 >= total) return;
    if (Atomics.compareExchange(c, ${NEXT}, cur, cur + 1) !== cur) continue;
    const n = c[${NARGS}], a = new Array(n);
    for (let j = 0; j < n; j++) a[j] = base[j] + b0 * perItem[j] + thread * perThread[j] + i * perChunk[j];
    a[c[${COUNT_ARG}]] = Math.min(chunk, total - b0) * base[${SCALE}];
    try {
      inst.exports[names[c[${FN}]]](...a);
    } catch (e) {
      Atomics.store(c, ${ERROR}, 1);
    } finally {
      Atomics.add(c, ${FINISHED}, 1);
      Atomics.notify(c, ${FINISHED});
    }
  }
}
let seq = 0;
for (;;) {
  // poll briefly, then sleep until the next job
  const until = performance.now() + ${SPIN_MS};
  for (let i = 1; Atomics.load(c, ${SEQ}) === seq; i++) {
    if ((i & 255) === 0 && performance.now() > until) {
      Atomics.wait(c, ${SEQ}, seq);
      break;
    }
  }
  seq = Atomics.load(c, ${SEQ});
  if (seq < 0) break;
  takeChunks(seq);
}
`;

/** How many threads (the caller included) kernels may use. */
export function teamSize(): number {
  const env = Number(process.env.SEQLAB_THREADS);
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : 1;
  const want = Number.isFinite(env) && env >= 1 ? Math.floor(env) : Math.min(4, cores);
  return Math.max(1, want);
}

/** A kernel call over `total` samples, in the linear form the threads can cut into chunks. */
export interface SplitJob {
  /** The arguments for the whole batch starting at sample 0 (the count argument is set per chunk). */
  args: number[];
  /** Which argument is the number of samples of a call. */
  count: number;
  /** The count argument is samples times this (default 1). */
  scale?: number;
  /** Bytes each argument moves per sample (0 for sizes and weights). */
  perItem: number[];
  /** Bytes each argument moves per thread: private scratch (default none). */
  perThread?: number[];
  /**
   * Bytes each argument moves per chunk (chunk i adds i times this): a partial result per
   * chunk, summed afterwards in chunk order, so that a reduction over the batch gives the
   * same bits however the threads share the chunks. Use with a fixed `chunk`.
   */
  perChunk?: number[];
  /**
   * Samples per chunk, when the kernel needs a fixed cut (its results or its scratch depend
   * on it: the fused RNN op's chunks); by default the team picks it from the thread count.
   */
  chunk?: number;
}

export class Team {
  private readonly workers: Worker[] = [];
  private readonly c: Int32Array;
  private readonly base: Float64Array;
  private readonly perItem: Float64Array;
  private readonly perThread: Float64Array;
  private readonly perChunk: Float64Array;
  private readonly index: Map<string, number>;
  private seq = 0;

  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: Record<string, unknown>,
    threads: number,
  ) {
    const names = Object.keys(exports).filter((n) => typeof exports[n] === 'function');
    this.index = new Map(names.map((n, i) => [n, i]));
    const block = new SharedArrayBuffer(BLOCK_BYTES);
    this.c = new Int32Array(block, 0, 16);
    this.base = new Float64Array(block, F64, MAX_ARGS);
    this.perItem = new Float64Array(block, F64 + MAX_ARGS * 8, MAX_ARGS);
    this.perThread = new Float64Array(block, F64 + 2 * MAX_ARGS * 8, MAX_ARGS);
    this.perChunk = new Float64Array(block, F64 + 3 * MAX_ARGS * 8, MAX_ARGS);
    try {
      for (let t = 1; t < threads; t++) {
        const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, block, names, thread: t } });
        worker.unref();
        this.workers.push(worker);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Threads that take part in a parallel call, the caller included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Runs export `name` over job.total samples on all threads; returns when all are done. */
  run(name: string, total: number, job: SplitJob): void {
    const fn = this.exports[name] as (...a: number[]) => void;
    const idx = this.index.get(name);
    if (idx === undefined) throw new Error(`kernel ${name} missing`);
    const n = job.args.length;
    if (n > SCALE) throw new Error('too many kernel arguments');
    const c = this.c;
    this.base.fill(0);
    this.perItem.fill(0);
    this.perThread.fill(0);
    this.perChunk.fill(0);
    this.base.set(job.args);
    this.perItem.set(job.perItem);
    if (job.perThread) this.perThread.set(job.perThread);
    if (job.perChunk) this.perChunk.set(job.perChunk);
    this.base[SCALE] = job.scale ?? 1;
    const chunk = job.chunk ?? Math.max(1, Math.ceil(total / (this.size * CHUNKS_PER_THREAD)));
    const chunks = Math.ceil(total / chunk);
    if (chunks > 0xffff) throw new RangeError('too many chunks');
    c[FN] = idx;
    c[NARGS] = n;
    c[COUNT_ARG] = job.count;
    c[CHUNK] = chunk;
    c[TOTAL] = total;
    c[ERROR] = 0;
    Atomics.store(c, FINISHED, 0);
    this.seq = (this.seq % 0x7fff) + 1;
    Atomics.store(c, NEXT, this.seq << 16);
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
    let failure: unknown = null;
    let claimed = chunks;
    try {
      takeChunks(c, this.base, this.perItem, this.perThread, this.perChunk, fn, 0, this.seq);
    } catch (e) {
      // no new chunks for anyone; wait for those already taken, then report
      failure = e;
      claimed = Math.min(chunks, Atomics.exchange(c, NEXT, (this.seq << 16) | 0xffff) & 0xffff);
    }
    // chunks that helpers took are finishing: poll, then sleep (a helper that woke too late took none)
    const until = performance.now() + 2;
    for (let i = 1; ; i++) {
      const done = Atomics.load(c, FINISHED);
      if (done >= claimed) break;
      if ((i & 255) === 0 && performance.now() > until) Atomics.wait(c, FINISHED, done, 50);
    }
    if (failure) throw failure;
    // (a RangeError: the layer falls back to tfjs's own implementation)
    if (Atomics.load(c, ERROR) !== 0) throw new RangeError(`kernel ${name} failed on a helper thread`);
  }

  /** Stops the helpers (tests; the process exit also ends them). */
  close(): void {
    Atomics.store(this.c, SEQ, -1);
    Atomics.notify(this.c, SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

/** The calls a SplitJob makes on one thread, chunk by chunk ([args], in order). */
export function chunkCalls(total: number, job: SplitJob, chunk: number): number[][] {
  const out: number[][] = [];
  for (let b0 = 0, i = 0; b0 < total; b0 += chunk, i++) {
    const nb = Math.min(chunk, total - b0);
    const a = job.args.map((v, j) => v + b0 * (job.perItem[j] ?? 0) + i * (job.perChunk?.[j] ?? 0));
    a[job.count] = nb * (job.scale ?? 1);
    out.push(a);
  }
  return out;
}
