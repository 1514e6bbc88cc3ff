import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addBlock, connect, moveNodes, removeEdge, removeNodes, select, useBuilder, type XY } from './builder-store';
import { LayerNode, type LayerFlowNode } from './LayerNode';
import { DRAG_MIME } from './Palette';
import { ShapeEdge, type ShapeFlowEdge } from './ShapeEdge';

const nodeTypes = { layer: LayerNode };
const edgeTypes = { shape: ShapeEdge };

/**
 * The canvas (React Flow). The model is drawn top to bottom in both languages; the
 * canvas itself is laid out left to right, its labels follow the language.
 */
export function Canvas() {
  const { t } = useTranslation('builderUi');
  const graph = useBuilder((s) => s.graph);
  const layout = useBuilder((s) => s.layout);
  const report = useBuilder((s) => s.report);
  const selected = useBuilder((s) => s.selected);
  const flow = useReactFlow();

  const nodes: LayerFlowNode[] = useMemo(
    () =>
      graph.nodes.map((n) => {
        const info = report.nodes[n.id];
        return {
          id: n.id,
          type: 'layer' as const,
          position: layout[n.id] ?? { x: 0, y: 0 },
          selected: selected.includes(n.id),
          data: {
            node: n,
            info,
            errors: info?.issues.filter((i) => i.severity === 'error').length ?? 0,
            warnings: info?.issues.filter((i) => i.severity === 'warning').length ?? 0,
          },
        };
      }),
    [graph, layout, report, selected],
  );
  const edges: ShapeFlowEdge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'shape' as const,
        markerEnd: { type: MarkerType.ArrowClosed },
        data: { info: report.nodes[e.source] },
      })),
    [graph, report],
  );

  const onNodesChange = useCallback((changes: NodeChange<LayerFlowNode>[]) => {
    const moves: Record<string, XY> = {};
    let dragEnded = false;
    const sel: { id: string; selected: boolean }[] = [];
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        moves[c.id] = c.position;
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'position' && c.dragging === false) {
        dragEnded = true;
      } else if (c.type === 'select') {
        sel.push({ id: c.id, selected: c.selected });
      }
    }
    if (Object.keys(moves).length > 0 || dragEnded) moveNodes(moves, dragEnded);
    if (sel.length > 0) {
      const current = new Set(useBuilder.getState().selected);
      for (const s of sel) {
        if (s.selected) current.add(s.id);
        else current.delete(s.id);
      }
      select([...current]);
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<ShapeFlowEdge>[]) => {
    for (const c of changes) if (c.type === 'remove') removeEdge(c.id);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) connect(c.source, c.target);
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const block = e.dataTransfer.getData(DRAG_MIME);
      if (!block) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addBlock(block, { x: p.x - 90, y: p.y - 30 });
    },
    [flow],
  );

  return (
    <div className="canvas" dir="ltr" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} aria-label={t('canvas')} role="region">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodesDelete={(ns) => removeNodes(ns.map((n) => n.id))}
        deleteKeyCode={null}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
