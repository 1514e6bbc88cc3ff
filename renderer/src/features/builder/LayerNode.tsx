import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { getBlock, type BuilderNode, type NodeShapeInfo } from '../../../../shared/model';
import { useFormat } from '../../use-format';
import { ShapeText } from './ShapeText';
import { useBlockText } from './use-block-text';

export type LayerNodeData = { node: BuilderNode; info: NodeShapeInfo | undefined; errors: number; warnings: number };
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

const KEY_PARAMS = ['units', 'filters', 'kernel_size', 'pool_size', 'rate', 'activation', 'return_sequences', 'merge_mode', 'output_dim', 'n', 'target_shape'];

function paramSummary(node: BuilderNode): string {
  const parts: string[] = [];
  for (const k of KEY_PARAMS) {
    const v = node.params[k];
    if (v === undefined || v === null || v === false) continue;
    if (k === 'activation' && (v === 'linear' || v === 'tanh')) continue;
    parts.push(k === 'return_sequences' ? 'return_sequences' : `${k}=${Array.isArray(v) ? v.join('×') : String(v)}`);
  }
  return parts.join(', ');
}

/** One layer on the canvas: name, key settings, output shape and parameter count. */
export function LayerNode({ data, selected }: NodeProps<LayerFlowNode>) {
  const { t } = useTranslation('builderUi');
  const f = useFormat();
  const { blockName } = useBlockText();
  const { node, info, errors, warnings } = data;
  const def = getBlock(node.block);
  const isInput = def?.kind === 'input';
  const cls = ['layer-node', `kind-${def?.kind ?? 'unknown'}`, selected ? 'selected' : '', errors ? 'has-error' : warnings ? 'has-warning' : ''].join(' ');
  return (
    <div className={cls} data-testid={`node-${info?.layerName ?? node.id}`}>
      {!isInput && <Handle type="target" position={Position.Top} />}
      <div className="layer-head">
        <strong>{blockName(node.block)}</strong>
        <span className="layer-name" dir="ltr">
          {info?.layerName}
        </span>
      </div>
      {node.wrapped && (
        <div className="wrapped-box" aria-label={t('wraps')}>
          <span>{blockName(node.wrapped.block)}</span>
          <span className="muted small" dir="ltr">
            {paramSummary({ ...node, params: node.wrapped.params })}
          </span>
        </div>
      )}
      {!node.wrapped && paramSummary(node) && (
        <div className="muted small" dir="ltr">
          {paramSummary(node)}
        </div>
      )}
      <div className="layer-foot">
        {info && <ShapeText shape={info.outputShape} timeAxis={info.timeAxis} text={info.outputShapeText} />}
        <span className="params">{t('paramsCount', { count: info?.params.total ?? 0, value: f.int(info?.params.total ?? 0) })}</span>
      </div>
      {errors > 0 && (
        <div className="node-badge error" aria-hidden="true">
          !
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}
