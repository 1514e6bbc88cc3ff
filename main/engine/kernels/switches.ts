/**
 * Which of the project's kernels are on. SEQLAB_FUSED=0 turns every fused kernel off (the
 * stock tfjs layers run); SEQLAB_FUSED_OFF=name,name turns single improvements off so
 * that the benchmark can run the earlier path beside the new one in one invocation
 * (`npm run bench -- --before-env SEQLAB_FUSED_OFF=...`). Names are listed in
 * FUSED_SWITCHES beside what each one selects.
 */
export const FUSED_SWITCHES: Record<string, string> = {
  convlstm: "ConvLSTM2D as one whole-sequence WebAssembly op (kernels/convlstm); off: tfjs's ConvLSTM2D layer",
  'rnn-split': 'fused SimpleRNN/GRU/LSTM op cut into batch chunks shared by the kernel threads (off: the whole batch as one chunk on the calling thread)',
};

/** True unless fused kernels are off altogether or `name` is in SEQLAB_FUSED_OFF. */
export function fusedOn(name?: string): boolean {
  if (process.env.SEQLAB_FUSED === '0') return false;
  if (name === undefined) return true;
  const off = (process.env.SEQLAB_FUSED_OFF ?? '').split(',').map((s) => s.trim());
  return !off.includes(name);
}
