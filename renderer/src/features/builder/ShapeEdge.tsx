import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { NodeShapeInfo } from '../../../../shared/model';
import { ShapeText } from './ShapeText';

export type ShapeEdgeData = { info: NodeShapeInfo | undefined };
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

/** A connection labelled with the tensor shape that flows along it. */
export function ShapeEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected }: EdgeProps<ShapeFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const info = data?.info;
  const isSequence = info?.timeAxis !== null && info?.timeAxis !== undefined;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={isSequence ? 'edge-sequence' : 'edge-vector'} style={selected ? { strokeWidth: 3 } : undefined} />
      {info && (
        <EdgeLabelRenderer>
          <div className={`edge-label ${isSequence ? 'sequence' : 'vector'}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            <ShapeText shape={info.outputShape} timeAxis={info.timeAxis} text={info.outputShapeText} />
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
