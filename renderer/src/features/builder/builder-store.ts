/**
 * The builder's state: the graph (shared/model), the canvas layout beside it, selection,
 * undo/redo and a clipboard. Every edit is a plain function; the canvas only renders.
 * The graph autosaves to the project file through the engine.
 */
import { create } from 'zustand';
import {
  defaultParams,
  getBlock,
  getPreset,
  inferShapes,
  toKerasSpec,
  withLayerNames,
  type BuilderEdge,
  type BuilderGraph,
  type BuilderNode,
  type ParamValue,
  type ShapeReport,
} from '../../../../shared/model';
import type { BuilderState as ProjectBuilder, Project } from '../../../../shared/project';
import type { ModelSpec } from '../../../../shared/experiment';
import { api } from '../../api';

export interface XY {
  x: number;
  y: number;
}

interface Snapshot {
  graph: BuilderGraph;
  layout: Record<string, XY>;
  presetId: string | null;
}

export interface BuilderState extends Snapshot {
  selected: string[];
  past: Snapshot[];
  future: Snapshot[];
  clipboard: { nodes: BuilderNode[]; edges: BuilderEdge[]; layout: Record<string, XY> } | null;
  /** Per-sample target shape the model's output is checked against. */
  targetShape: (number | null)[] | undefined;
  report: ShapeReport;
  loaded: boolean;
  savedAt: string | null;
  saveError: string | null;
  /** The trained model this graph was imported from (its weights stay in the engine). */
  importedModel: (ImportedModelRef & { spec: string }) | null;
}

export interface ImportedModelRef {
  importId: string;
  name: string;
  params: number;
}

const EMPTY: BuilderGraph = { nodes: [], edges: [], name: 'model' };
export const NODE_GAP = 120;

export const useBuilder = create<BuilderState>(() => ({
  graph: EMPTY,
  layout: {},
  presetId: null,
  selected: [],
  past: [],
  future: [],
  clipboard: null,
  // The lesson's default task forecasts one value per sample.
  targetShape: [1],
  report: inferShapes(EMPTY),
  loaded: false,
  savedAt: null,
  saveError: null,
  importedModel: null,
}));

const set = useBuilder.setState;
const get = useBuilder.getState;

let idCounter = 0;
export function newId(prefix = 'n'): string {
  idCounter++;
  return `${prefix}${Date.now().toString(36)}${idCounter.toString(36)}`;
}

/** Applies an edit: records undo, recomputes shapes, schedules an autosave. */
function commit(next: Partial<Snapshot>, opts: { record?: boolean } = {}): void {
  const s = get();
  const snapshot: Snapshot = { graph: s.graph, layout: s.layout, presetId: s.presetId };
  const graph = next.graph ?? s.graph;
  set({
    ...next,
    past: opts.record === false ? s.past : [...s.past.slice(-99), snapshot],
    future: opts.record === false ? s.future : [],
    report: inferShapes(graph, s.targetShape ? { targetShape: s.targetShape } : {}),
  });
  scheduleSave();
}

/** The node new blocks attach to: the selected one, else the last node of the chain. */
function attachPoint(graph: BuilderGraph, selected: string[]): BuilderNode | undefined {
  const sel = selected.length === 1 ? graph.nodes.find((n) => n.id === selected[0]) : undefined;
  if (sel) return sel;
  const hasOut = new Set(graph.edges.map((e) => e.source));
  const sinks = graph.nodes.filter((n) => !hasOut.has(n.id));
  return sinks[sinks.length - 1];
}

/**
 * Adds a block. Without a position it snaps below the attach point and is connected to
 * it (a sequential stack grows by itself); with a position (a drop) it is connected to the
 * node it was dropped just below, if any.
 */
export function addBlock(blockId: string, position?: XY): string | null {
  const def = getBlock(blockId);
  if (!def) return null;
  const s = get();
  const node: BuilderNode = { id: newId(), block: blockId, params: defaultParams(blockId) };
  if (def.wrapper && def.wraps && def.wraps.length > 0) {
    const inner = def.wrapsDefault ?? def.wraps[0]!;
    node.wrapped = { block: inner, params: defaultParams(inner) };
  }
  let from: BuilderNode | undefined;
  let pos: XY;
  if (position) {
    pos = position;
    from = s.graph.nodes
      .filter((n) => {
        const p = s.layout[n.id];
        return p && Math.abs(p.x - position.x) < 160 && position.y - p.y > 20 && position.y - p.y < NODE_GAP * 1.6;
      })
      .sort((a, b) => s.layout[b.id]!.y - s.layout[a.id]!.y)[0];
  } else {
    from = attachPoint(s.graph, s.selected);
    const p = from ? s.layout[from.id] : undefined;
    pos = p ? { x: p.x, y: p.y + NODE_GAP } : { x: 0, y: 0 };
  }
  const edges = [...s.graph.edges];
  if (from && def.kind !== 'input' && getBlock(from.block)) {
    edges.push({ id: newId('e'), source: from.id, target: node.id });
  }
  commit({ graph: { ...s.graph, nodes: [...s.graph.nodes, node], edges }, layout: { ...s.layout, [node.id]: pos } });
  set({ selected: [node.id] });
  return node.id;
}

export function connect(source: string, target: string): void {
  const s = get();
  if (source === target) return;
  if (s.graph.edges.some((e) => e.source === source && e.target === target)) return;
  const def = getBlock(s.graph.nodes.find((n) => n.id === target)?.block ?? '');
  let edges = s.graph.edges;
  // A one-input layer gets its new input instead of a second one.
  if (def && def.arity.max <= 1) edges = edges.filter((e) => e.target !== target);
  commit({ graph: { ...s.graph, edges: [...edges, { id: newId('e'), source, target }] } });
}

export function removeEdge(edgeId: string): void {
  const s = get();
  commit({ graph: { ...s.graph, edges: s.graph.edges.filter((e) => e.id !== edgeId) } });
}

/** Deletes nodes; a node in the middle of a chain is bridged so the stack stays connected. */
export function removeNodes(ids: string[]): void {
  const s = get();
  const gone = new Set(ids);
  if (gone.size === 0) return;
  let edges = s.graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
  for (const id of ids) {
    const ins = s.graph.edges.filter((e) => e.target === id && !gone.has(e.source));
    const outs = s.graph.edges.filter((e) => e.source === id && !gone.has(e.target));
    if (ins.length === 1 && outs.length >= 1) {
      for (const o of outs) edges = [...edges, { id: newId('e'), source: ins[0]!.source, target: o.target }];
    }
  }
  const layout = { ...s.layout };
  for (const id of ids) delete layout[id];
  commit({ graph: { ...s.graph, nodes: s.graph.nodes.filter((n) => !gone.has(n.id)), edges }, layout });
  set({ selected: [] });
}

export function setParam(nodeId: string, name: string, value: ParamValue, inner = false): void {
  const s = get();
  const nodes = s.graph.nodes.map((n) => {
    if (n.id !== nodeId) return n;
    if (inner && n.wrapped) return { ...n, wrapped: { ...n.wrapped, params: { ...n.wrapped.params, [name]: value } } };
    return { ...n, params: { ...n.params, [name]: value } };
  });
  commit({ graph: { ...s.graph, nodes } });
}

export function setWrapped(nodeId: string, blockId: string): void {
  const s = get();
  const nodes = s.graph.nodes.map((n) => (n.id === nodeId ? { ...n, wrapped: { block: blockId, params: defaultParams(blockId) } } : n));
  commit({ graph: { ...s.graph, nodes } });
}

/** Moves nodes; `record` false while dragging, true at the end of a drag. */
export function moveNodes(moves: Record<string, XY>, record: boolean): void {
  const s = get();
  commit({ layout: { ...s.layout, ...moves } }, { record });
}

export function select(ids: string[]): void {
  set({ selected: ids });
}

/** Moves the selected layer up or down the chain (keyboard reordering). */
export function moveInChain(nodeId: string, dir: -1 | 1): void {
  const s = get();
  const order = s.report.order.filter((id) => s.graph.nodes.some((n) => n.id === id));
  const i = order.indexOf(nodeId);
  const j = i + dir;
  if (i < 0 || j < 0 || j >= order.length) return;
  const a = s.graph.nodes.find((n) => n.id === order[i])!;
  const b = s.graph.nodes.find((n) => n.id === order[j])!;
  if (getBlock(a.block)?.kind === 'input' || getBlock(b.block)?.kind === 'input') return;
  // Swap the two nodes' contents, keep the wiring and positions: the stack order changes.
  const nodes = s.graph.nodes.map((n) => {
    if (n.id === a.id) return { ...b, id: a.id };
    if (n.id === b.id) return { ...a, id: b.id };
    return n;
  });
  commit({ graph: { ...s.graph, nodes } });
  set({ selected: [b.id] });
}

export function undo(): void {
  const s = get();
  const prev = s.past[s.past.length - 1];
  if (!prev) return;
  set({
    ...prev,
    past: s.past.slice(0, -1),
    future: [{ graph: s.graph, layout: s.layout, presetId: s.presetId }, ...s.future],
    report: inferShapes(prev.graph, s.targetShape ? { targetShape: s.targetShape } : {}),
    selected: [],
  });
  scheduleSave();
}

export function redo(): void {
  const s = get();
  const next = s.future[0];
  if (!next) return;
  set({
    ...next,
    future: s.future.slice(1),
    past: [...s.past, { graph: s.graph, layout: s.layout, presetId: s.presetId }],
    report: inferShapes(next.graph, s.targetShape ? { targetShape: s.targetShape } : {}),
    selected: [],
  });
  scheduleSave();
}

export function copySelection(): void {
  const s = get();
  const ids = new Set(s.selected);
  if (ids.size === 0) return;
  const nodes = s.graph.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n));
  const edges = s.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e }));
  const layout: Record<string, XY> = {};
  for (const n of nodes) layout[n.id] = s.layout[n.id] ?? { x: 0, y: 0 };
  set({ clipboard: { nodes, edges, layout } });
}

export function paste(): void {
  const s = get();
  const clip = s.clipboard;
  if (!clip) return;
  const map = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = newId();
    map.set(n.id, id);
    const { name: _name, ...rest } = n;
    return { ...structuredClone(rest), id };
  });
  const edges = clip.edges.map((e) => ({ id: newId('e'), source: map.get(e.source)!, target: map.get(e.target)! }));
  const layout = { ...s.layout };
  for (const [oldId, id] of map) {
    const p = clip.layout[oldId]!;
    layout[id] = { x: p.x + 220, y: p.y + 30 };
  }
  commit({ graph: { ...s.graph, nodes: [...s.graph.nodes, ...nodes], edges: [...s.graph.edges, ...edges] }, layout });
  set({ selected: [...map.values()] });
}

/** Lays a graph out top to bottom in topological layers (for presets and imports). */
export function autoLayout(graph: BuilderGraph): Record<string, XY> {
  const report = inferShapes(graph);
  const depth = new Map<string, number>();
  for (const id of report.order) {
    const ins = graph.edges.filter((e) => e.target === id).map((e) => depth.get(e.source) ?? 0);
    depth.set(id, ins.length ? Math.max(...ins) + 1 : 0);
  }
  const perDepth = new Map<number, number>();
  const layout: Record<string, XY> = {};
  for (const id of report.order) {
    const d = depth.get(id) ?? 0;
    const k = perDepth.get(d) ?? 0;
    perDepth.set(d, k + 1);
    layout[id] = { x: k * 260, y: d * NODE_GAP };
  }
  return layout;
}

export function loadPreset(presetId: string): boolean {
  const preset = getPreset(presetId);
  if (!preset) return false;
  const graph = structuredClone(preset.graph);
  set({ targetShape: preset.targetShape });
  commit({ graph, layout: autoLayout(graph), presetId });
  set({ selected: [] });
  return true;
}

export function clearGraph(): void {
  commit({ graph: EMPTY, layout: {}, presetId: null });
  set({ selected: [] });
}

/** The Keras topology of the current graph, or null while it has errors. */
export function currentSpec(): ModelSpec | null {
  const s = get();
  if (!s.report.ok || s.graph.nodes.length === 0) return null;
  try {
    return toKerasSpec(withLayerNames(s.graph)) as unknown as ModelSpec;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ autosave

let saveTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleSave(): void {
  if (!get().loaded) return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveNow(), 400);
}

/** The builder's part of the project file (the engine keeps the rest: id, name, runs). */
export function buildProject(): { builder: ProjectBuilder; model: ModelSpec | null } {
  const s = get();
  return { builder: { graph: s.graph, layout: s.layout, presetId: s.presetId }, model: currentSpec() };
}

export async function saveNow(): Promise<void> {
  if (saveTimer) {
    clearTimeout(saveTimer);
    saveTimer = null;
  }
  try {
    const { savedAt } = await api.invoke('project.save', buildProject());
    set({ savedAt, saveError: null });
  } catch (e) {
    set({ saveError: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Shows a project's builder state (after Open, New, or a restore): its graph, or the plain
 * GRU preset when the project has none yet. Undo history starts over.
 */
export function applyProject(project: Pick<Project, 'builder' | 'savedAt'> | null): void {
  if (saveTimer) {
    clearTimeout(saveTimer);
    saveTimer = null;
  }
  if (project?.builder) {
    const graph = project.builder.graph as BuilderGraph;
    const preset = project.builder.presetId ? getPreset(project.builder.presetId) : undefined;
    const targetShape = preset?.targetShape ?? get().targetShape;
    set({
      graph,
      layout: project.builder.layout,
      presetId: project.builder.presetId,
      targetShape,
      report: inferShapes(graph, targetShape ? { targetShape } : {}),
      savedAt: project.savedAt,
      past: [],
      future: [],
      selected: [],
      importedModel: null,
      loaded: true,
    });
    return;
  }
  set({ graph: EMPTY, layout: {}, presetId: null, past: [], future: [], selected: [], importedModel: null, loaded: true });
  loadPreset('gru');
}

/** Shows an imported model's graph (its weights stay in the engine under importId). */
export function applyImportedModel(graph: BuilderGraph, imported: ImportedModelRef): void {
  set({ targetShape: undefined });
  commit({ graph, layout: autoLayout(graph), presetId: null });
  set({ selected: [], importedModel: { ...imported, spec: JSON.stringify(currentSpec()) } });
}

/** Whether the current graph still is the imported model (same Keras topology), so its weights can be used. */
export function importedWeightsFit(): boolean {
  const imp = get().importedModel;
  return !!imp && imp.spec === JSON.stringify(currentSpec());
}

/** Loads the autosaved project once; starts from the plain GRU preset when there is none. */
export async function loadProject(): Promise<void> {
  if (get().loaded) return;
  if (!loading) {
    loading = (async () => {
      try {
        const res = await api.invoke('project.load', {});
        projectLoaded?.(res);
        if (get().loaded) return;
        applyProject(res.project);
      } catch (e) {
        set({ saveError: e instanceof Error ? e.message : String(e) });
        if (!get().loaded) applyProject(null);
      }
    })();
  }
  await loading;
}

let loading: Promise<void> | null = null;
type LoadReply = Awaited<ReturnType<typeof api.invoke<'project.load'>>>;
let projectLoaded: ((res: LoadReply) => void) | null = null;
/** The project feature hears what project.load said (name, runs, crash recovery). */
export function onProjectLoaded(listener: (res: LoadReply) => void): void {
  projectLoaded = listener;
}
