/**
 * A Keras-style `model.summary()`: rows and totals as data (for the UI) and a plain-text
 * renderer with the layout of Keras 2's `print_summary` (the classic layout the book shows:
 * 65 columns for sequential-like models, 98 with "Connected to" for functional ones).
 */
import { analyseTopology, isSequentialChain, layerNames, type BuilderGraph } from './graph';
import { getBlock } from './catalog';
import { inferShapes, type InferOptions, type ParamCount, type Shape, type ShapeReport } from './shapes';

export interface SummaryRow {
  nodeId: string;
  name: string;
  className: string;
  /** `name (ClassName)` as Keras prints it. */
  layer: string;
  outputShape: Shape | null;
  outputShapeText: string;
  params: number;
  /** Functional models: `input_1[0][0]` per incoming tensor. */
  connectedTo: string[];
}

export interface ModelSummary {
  modelName: string;
  /** Sequential-like (one chain): three columns; functional: four. */
  kind: 'sequential' | 'functional';
  rows: SummaryRow[];
  totals: ParamCount;
  report: ShapeReport;
}

export function buildSummary(graph: BuilderGraph, options: InferOptions = {}): ModelSummary {
  const report = inferShapes(graph, options);
  const topo = analyseTopology(graph);
  const names = layerNames(graph);
  const sequential = isSequentialChain(graph, topo);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const rows: SummaryRow[] = [];
  for (const id of report.order) {
    const n = byId.get(id)!;
    const block = getBlock(n.block);
    if (sequential && block?.kind === 'input') continue;
    const info = report.nodes[id]!;
    const className = block?.className ?? n.block;
    rows.push({
      nodeId: id, name: info.layerName, className, layer: `${info.layerName} (${className})`,
      outputShape: info.outputShape, outputShapeText: info.outputShape ? info.outputShapeText : 'multiple',
      params: info.params.total, connectedTo: sequential ? [] : (topo.incoming.get(id) ?? []).map((s) => `${names.get(s)}[0][0]`),
    });
  }
  return { modelName: graph.name ?? (sequential ? 'sequential' : 'model'), kind: sequential ? 'sequential' : 'functional', rows, totals: report.totals, report };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Plain text, line for line as Keras 2 `model.summary()` prints it. */
export function renderSummary(summary: ModelSummary): string {
  const seq = summary.kind === 'sequential';
  const lineLength = seq ? 65 : 98;
  const positions = (seq ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]).map((p) => Math.floor(lineLength * p));
  const out: string[] = [];
  const row = (fields: string[]): void => {
    let line = '';
    fields.forEach((f, i) => {
      if (i > 0) line = `${line.slice(0, -1)} `;
      line += f;
      line = line.slice(0, positions[i]);
      line += ' '.repeat(Math.max(0, positions[i]! - line.length));
    });
    out.push(line);
  };
  out.push(`Model: "${summary.modelName}"`);
  out.push('_'.repeat(lineLength));
  row(seq ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']);
  out.push('='.repeat(lineLength));
  summary.rows.forEach((r, i) => {
    if (seq) row([r.layer, r.outputShapeText, String(r.params)]);
    else {
      row([r.layer, r.outputShapeText, String(r.params), r.connectedTo[0] ?? '']);
      for (const c of r.connectedTo.slice(1)) row(['', '', '', c]);
    }
    out.push((i === summary.rows.length - 1 ? '=' : '_').repeat(lineLength));
  });
  if (summary.rows.length === 0) out.push('='.repeat(lineLength));
  out.push(`Total params: ${fmt(summary.totals.total)}`);
  out.push(`Trainable params: ${fmt(summary.totals.trainable)}`);
  out.push(`Non-trainable params: ${fmt(summary.totals.nonTrainable)}`);
  out.push('_'.repeat(lineLength));
  return out.join('\n');
}
