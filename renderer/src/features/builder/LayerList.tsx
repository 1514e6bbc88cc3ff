import { useTranslation } from 'react-i18next';
import { getBlock } from '../../../../shared/model';
import { useFormat } from '../../use-format';
import { moveInChain, removeNodes, select, useBuilder } from './builder-store';
import { ShapeText } from './ShapeText';
import { useBlockText } from './use-block-text';

/** The model's layers as an accessible list: name, output shape, parameters, problems. */
export function LayerList() {
  const { t } = useTranslation('builderUi');
  const f = useFormat();
  const { blockName } = useBlockText();
  const graph = useBuilder((s) => s.graph);
  const report = useBuilder((s) => s.report);
  const selected = useBuilder((s) => s.selected);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (
    <ol className="layer-list" aria-label={t('layers')}>
      {report.order.map((id) => {
        const n = byId.get(id);
        const info = report.nodes[id];
        if (!n || !info) return null;
        const errs = info.issues.filter((i) => i.severity === 'error').length;
        const isInput = getBlock(n.block)?.kind === 'input';
        return (
          <li key={id} className={`${selected.includes(id) ? 'selected' : ''} ${errs ? 'has-error' : ''}`} data-layer={info.layerName} aria-invalid={errs > 0 ? true : undefined}>
            <button type="button" className="layer-select" onClick={() => select([id])} aria-pressed={selected.includes(id)}>
              <span className="layer-title">
                {blockName(n.block)}
                {n.wrapped ? ` (${blockName(n.wrapped.block)})` : ''}
              </span>{' '}
              <span className="layer-name" dir="ltr">
                {info.layerName}
              </span>
            </button>
            <span className="layer-shape" data-testid={`shape-${info.layerName}`}>
              <ShapeText shape={info.outputShape} timeAxis={info.timeAxis} text={info.outputShapeText} />
            </span>
            <span className="layer-params" data-testid={`params-${info.layerName}`} data-value={info.params.total}>
              {t('paramsCount', { count: info.params.total, value: f.int(info.params.total) })}
            </span>
            {errs > 0 && <span className="badge-error">{t('errorsCount', { count: errs, value: f.int(errs) })}</span>}
            {selected.includes(id) && !isInput && (
              <span className="layer-actions">
                <button type="button" onClick={() => moveInChain(id, -1)} aria-label={t('moveUp')} title={t('moveUp')}>
                  ↑
                </button>
                <button type="button" onClick={() => moveInChain(id, 1)} aria-label={t('moveDown')} title={t('moveDown')}>
                  ↓
                </button>
                <button type="button" onClick={() => removeNodes([id])} aria-label={t('delete')} title={t('delete')}>
                  ✕
                </button>
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
