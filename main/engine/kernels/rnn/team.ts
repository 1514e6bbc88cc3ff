/**
 * Helper threads for the kernel module: each runs its own instance of the same
 * WebAssembly module on the same shared memory, so a whole-batch kernel can be split
 * by images between the calling thread and the helpers (PyTorch uses every core too).
 *
 * A job is a kernel's export name and its numeric arguments, written into a small shared
 * control block; the helper wakes on Atomics.wait, runs it, and signals done. The caller
 * runs its own share meanwhile and then waits for the helpers (microseconds of overhead
 * against milliseconds of work). Helpers are worker_threads started from inline code
 * (nothing to find on disk inside an asar), unref'd so they never keep a process alive.
 *
 * SEQLAB_THREADS=n caps the threads (1: no helpers). The default is the machine's
 * parallelism, at most 4.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const MAX_ARGS = 24;
/** How long an idle helper polls for the next job before it sleeps, ms. */
const SPIN_MS = 1;
// control block, Int32 words: 0 job sequence (-1: stop), 1 done sequence, 2 export index, 3 argument count, 4 error flag
const CTRL_BYTES = 64 + MAX_ARGS * 8;

const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, names } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } });
const c = new Int32Array(ctrl, 0, 16);
const args = new Float64Array(ctrl, 64, ${MAX_ARGS});
let seq = 0;
for (;;) {
  // spin briefly before sleeping: within a training batch the next kernel follows in well
  // under a millisecond, and waking a sleeping thread costs a few hundred microseconds
  const until = performance.now() + ${SPIN_MS};
  for (let i = 1; Atomics.load(c, 0) === seq; i++) {
    if ((i & 1023) === 0 && performance.now() > until) {
      Atomics.wait(c, 0, seq);
      break;
    }
  }
  seq = Atomics.load(c, 0);
  if (seq < 0) break;
  try {
    inst.exports[names[c[2]]](...args.subarray(0, c[3]));
  } catch (e) {
    Atomics.store(c, 4, 1);
  }
  Atomics.store(c, 1, seq);
  Atomics.notify(c, 1);
}
`;

interface Helper {
  worker: Worker;
  c: Int32Array;
  args: Float64Array;
  seq: number;
}

/** How many threads (the caller included) kernels may use. */
export function teamSize(): number {
  const env = Number(process.env.SEQLAB_THREADS);
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : 1;
  const want = Number.isFinite(env) && env >= 1 ? Math.floor(env) : Math.min(4, cores);
  return Math.max(1, want);
}

export class Team {
  private readonly helpers: Helper[] = [];
  private readonly index: Map<string, number>;

  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: Record<string, unknown>,
    threads: number,
  ) {
    const names = Object.keys(exports).filter((n) => typeof exports[n] === 'function');
    this.index = new Map(names.map((n, i) => [n, i]));
    for (let i = 1; i < threads; i++) {
      const ctrl = new SharedArrayBuffer(CTRL_BYTES);
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, ctrl, names } });
      worker.unref();
      this.helpers.push({ worker, c: new Int32Array(ctrl, 0, 16), args: new Float64Array(ctrl, 64, MAX_ARGS), seq: 0 });
    }
  }

  /** Threads that take part in a parallel call, the caller included. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Runs export `name` once per part: part 0 on this thread, part p on helper p-1, with
   * the arguments parts[p]. Returns when all are done. Parts must touch disjoint output.
   */
  run(name: string, parts: number[][]): void {
    const fn = this.exports[name] as (...a: number[]) => void;
    const idx = this.index.get(name);
    if (idx === undefined) throw new Error(`kernel ${name} missing`);
    const used = this.helpers.slice(0, Math.max(0, parts.length - 1));
    used.forEach((h, i) => {
      const a = parts[i + 1]!;
      if (a.length > MAX_ARGS) throw new Error('too many kernel arguments');
      h.args.set(a);
      h.c[2] = idx;
      h.c[3] = a.length;
      h.seq++;
      Atomics.store(h.c, 0, h.seq);
      Atomics.notify(h.c, 0);
    });
    // part 0 here, and any part beyond the helpers after it
    for (let p = 0; p < parts.length; p++) if (p === 0 || p > used.length) fn(...parts[p]!);
    let failed = false;
    for (const h of used) {
      // the helper's share takes about as long as this thread's: poll, then sleep
      const until = performance.now() + 2;
      for (let i = 1; ; i++) {
        const done = Atomics.load(h.c, 1);
        if (done === h.seq) break;
        if ((i & 1023) === 0 && performance.now() > until) Atomics.wait(h.c, 1, done, 50);
      }
      if (Atomics.exchange(h.c, 4, 0) !== 0) failed = true;
    }
    // (a RangeError: the layer falls back to tfjs's own implementation)
    if (failed) throw new RangeError(`kernel ${name} failed on a helper thread`);
  }

  /** Stops the helpers (tests; the process exit also ends them). */
  close(): void {
    for (const h of this.helpers) {
      Atomics.store(h.c, 0, -1);
      Atomics.notify(h.c, 0);
      void h.worker.terminate();
    }
    this.helpers.length = 0;
  }
}

/** Splits B items into at most `parts` contiguous ranges [start, count], none empty. */
export function splitRange(B: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, B));
  const out: [number, number][] = [];
  const base = Math.floor(B / n);
  let extra = B % n;
  let s = 0;
  for (let p = 0; p < n; p++) {
    const c = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    out.push([s, c]);
    s += c;
  }
  return out;
}
