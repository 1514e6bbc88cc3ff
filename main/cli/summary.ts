/**
 * `seqlab summary <model.json>`: prints a Keras-style model summary of a Keras topology
 * JSON (`to_json()` / tfjs `toJSON()`) or a tfjs model.json (`modelTopology`).
 */
import { readJsonFile } from './common';
import { buildSummary, fromKerasSpec, ModelGraphError, renderSummary } from '../../shared/model';

export async function summary(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('Usage: seqlab summary <model.json>');
    return 2;
  }
  const raw = await readJsonFile(file);
  if (raw === undefined) return 2;
  const topology = typeof raw === 'object' && raw !== null && 'modelTopology' in raw ? (raw as { modelTopology: unknown }).modelTopology : raw;
  try {
    const s = buildSummary(fromKerasSpec(topology));
    console.log(renderSummary(s));
    for (const i of s.report.issues) console.error(`${i.severity}: ${i.code} ${JSON.stringify(i.params)}`);
    return s.report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof ModelGraphError) {
      console.error(`${file}: ${e.code} ${JSON.stringify(e.params)}`);
      return 2;
    }
    throw e;
  }
}
