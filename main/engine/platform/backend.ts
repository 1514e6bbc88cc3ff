/**
 * The backend ladder: GPU (tfjs-node-gpu, CUDA) -> native CPU (tfjs-node) ->
 * WebAssembly -> pure JS. The native packages are optional dependencies, so each
 * rung is tried and the reason a better one was not used is recorded for the UI.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, BackendReport } from '../../../shared/ipc/contract';

type Attempt = BackendReport['attempts'][number];

/**
 * What a layer above adds to the ladder (the project's kernels: kernels/index.ts registers
 * itself when it loads). The platform layer imports nothing above it, so kernels come in here.
 */
export interface BackendSetup {
  /** Runs once the wasm backend is ready (registers kernels the package lacks). Must be idempotent. */
  onWasm?(): void;
  /** Loads the CPU backends' own kernels; their thread count and whether they use the fused multiply-add, or null when they cannot run. */
  cpuKernels?(): Promise<{ threads: number; fma?: boolean } | null>;
}

const setups = new Set<BackendSetup>();

/** Adds a setup; when wasm is already active, its onWasm runs now. */
export function addBackendSetup(setup: BackendSetup): void {
  if (setups.has(setup)) return;
  setups.add(setup);
  if (report?.active === 'wasm') setup.onWasm?.();
}

let report: BackendReport | null = null;
let pending: Promise<BackendReport> | null = null;

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

function isNotInstalled(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

async function tryNative(pkg: string, backend: 'tensorflow'): Promise<{ ok: boolean; reason?: string; detail?: string }> {
  try {
    // Loading registers the 'tensorflow' backend on the same tfjs-core instance.
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    return isNotInstalled(e) ? { ok: false, reason: 'not-installed', detail: pkg } : { ok: false, reason: 'load-failed', detail: describe(e) };
  }
  try {
    const ok = await tf.setBackend(backend);
    if (!ok) return { ok: false, reason: 'init-failed', detail: pkg };
    await tf.ready();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: 'init-failed', detail: describe(e) };
  }
}

function gpuVisible(): { ok: boolean; detail?: string } {
  // tfjs-node-gpu falls back to CPU silently when CUDA is missing; ask TensorFlow
  // whether it sees a GPU device so the status bar does not claim one falsely.
  try {
    const backend = tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } };
    const using = backend.binding?.isUsingGpuDevice?.();
    if (using === false) return { ok: false, detail: 'no CUDA device visible to TensorFlow (check CUDA 11.2 / cuDNN 8.1)' };
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: describe(e) };
  }
}

export interface LadderOptions {
  /** Start the ladder at this rung (tests and the CLI's --backend use it). */
  prefer?: BackendName;
}

const ORDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function climb(opts: LadderOptions): Promise<BackendReport> {
  const attempts: Attempt[] = [];
  const start = opts.prefer ? ORDER.indexOf(opts.prefer) : 0;
  for (const name of ORDER.slice(0, start)) attempts.push({ name, ok: false, reason: 'skipped-by-choice' });

  let active: BackendName | null = null;
  for (const name of ORDER.slice(start)) {
    if (name === 'tensorflow-gpu') {
      const r = await tryNative('@tensorflow/tfjs-node-gpu', 'tensorflow');
      if (r.ok) {
        const g = gpuVisible();
        if (g.ok) {
          attempts.push({ name, ok: true });
          active = name;
          break;
        }
        // The package loaded but runs on the CPU: that is the native CPU rung.
        attempts.push({ name, ok: false, reason: 'no-gpu', detail: g.detail });
        attempts.push({ name: 'tensorflow', ok: true, detail: 'via @tensorflow/tfjs-node-gpu' });
        active = 'tensorflow';
        break;
      }
      attempts.push({ name, ...r });
    } else if (name === 'tensorflow') {
      const r = await tryNative('@tensorflow/tfjs-node', 'tensorflow');
      attempts.push({ name, ...r });
      if (r.ok) {
        active = name;
        break;
      }
    } else if (name === 'wasm') {
      try {
        await import('@tensorflow/tfjs-backend-wasm');
        const ok = await tf.setBackend('wasm');
        if (!ok) throw new Error('setBackend(wasm) returned false');
        await tf.ready();
        // Gradient kernels the wasm package lacks (Conv2DBackpropFilter and others), registered by kernels/index.ts.
        for (const setup of setups) setup.onWasm?.();
        attempts.push({ name, ok: true });
        active = name;
        break;
      } catch (e) {
        attempts.push({ name, ok: false, reason: isNotInstalled(e) ? 'not-installed' : 'init-failed', detail: describe(e) });
      }
    } else {
      await tf.setBackend('cpu');
      await tf.ready();
      attempts.push({ name, ok: true });
      active = name;
      break;
    }
  }
  const rung = active ?? 'cpu';
  if (rung === 'wasm' || rung === 'cpu') {
    // The fused kernels (registered by kernels/index.ts) load here once, so the report can say whether they run.
    let kernels: { threads: number; fma?: boolean } | null = null;
    for (const setup of setups) kernels = (await setup.cpuKernels?.().catch(() => null)) ?? kernels;
    if (!kernels) return { active: rung, attempts, tfjsVersion: tf.version.tfjs, fusedKernels: false };
    return { active: rung, attempts, tfjsVersion: tf.version.tfjs, fusedKernels: true, kernelThreads: kernels.threads, kernelFma: kernels.fma === true };
  }
  return { active: rung, attempts, tfjsVersion: tf.version.tfjs };
}

let defaults: LadderOptions = {};

/**
 * The options a later initBackend() without arguments uses (the engine sets its own, so
 * that the experiments, which call initBackend() bare, climb the same ladder).
 */
export function configureBackend(opts: LadderOptions | undefined): void {
  defaults = { ...(opts ?? {}) };
}

/** Initialises the best available backend once; later calls return the same report. */
export function initBackend(opts: LadderOptions = defaults): Promise<BackendReport> {
  if (report) return Promise.resolve(report);
  if (!pending) {
    pending = climb(opts).then((r) => {
      report = r;
      return r;
    });
  }
  return pending;
}

export function backendReport(): BackendReport | null {
  return report;
}

export { tf };
