/**
 * What the lesson experiments of issue #6 (captioning, video, pretraining) get from the
 * engine: the data folder, the event emitter, and the one training slot. Only one
 * training job runs at a time (the forecasting runs of train.start included); `claim`
 * refuses with E_ENGINE_BUSY while another holds it, and `train.stop` with a job's
 * runId stops it between two batches.
 */
import { AppError } from '../../../shared/errors';
import type { Channel, EventName, EventPayload, Req, Res } from '../../../shared/ipc/contract';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export type HandlersFor<C extends Channel> = { [K in C]: (req: Req<K>) => Promise<Res<K>> };

export interface Job {
  readonly runId: string;
  /** Polled between batches: true once the user pressed Stop. */
  shouldStop(): boolean;
  /** Frees the slot. Call it once, in a finally block. */
  release(): void;
}

export interface ExperimentContext {
  dataDir: string;
  emit: Emit;
  /** Takes the engine's single training slot, or throws E_ENGINE_BUSY. `kind` prefixes the runId. */
  claim(kind: string): Job;
}

/** The engine's single training slot, shared by train.start and the experiments. */
export class TrainingSlot {
  private current: { runId: string; stop: boolean } | null = null;
  private counter = 0;

  get busy(): string | null {
    return this.current?.runId ?? null;
  }

  claim(kind: string): Job {
    if (this.current) throw new AppError('E_ENGINE_BUSY', { runId: this.current.runId });
    const state = { runId: `${kind}-${Date.now().toString(36)}-${++this.counter}`, stop: false };
    this.current = state;
    return {
      runId: state.runId,
      shouldStop: () => state.stop,
      release: () => {
        if (this.current === state) this.current = null;
      },
    };
  }

  stop(runId: string): boolean {
    if (this.current && this.current.runId === runId) {
      this.current.stop = true;
      return true;
    }
    return false;
  }
}
