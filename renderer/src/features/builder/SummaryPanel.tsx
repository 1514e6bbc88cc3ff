import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { buildSummary } from '../../../../shared/model';
import { useFormat } from '../../use-format';
import { useBuilder } from './builder-store';

/** Keras-style model.summary(): layer, output shape, parameters, totals. */
export function SummaryPanel() {
  const { t } = useTranslation('builderUi');
  const f = useFormat();
  const graph = useBuilder((s) => s.graph);
  const targetShape = useBuilder((s) => s.targetShape);
  const summary = useMemo(() => buildSummary(graph, targetShape ? { targetShape } : {}), [graph, targetShape]);
  return (
    <div className="summary">
      <table className="summary-table" aria-label={t('summary')}>
        <thead>
          <tr>
            <th scope="col">{t('colLayer')}</th>
            <th scope="col">{t('colShape')}</th>
            <th scope="col">{t('colParams')}</th>
            {summary.kind === 'functional' && <th scope="col">{t('colConnected')}</th>}
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((r) => (
            <tr key={r.nodeId}>
              <td dir="ltr">{r.layer}</td>
              <td dir="ltr">{r.outputShapeText}</td>
              <td className="num">{f.int(r.params)}</td>
              {summary.kind === 'functional' && <td dir="ltr">{r.connectedTo.join(', ')}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="totals">
        <div>
          <dt>{t('totalParams')}</dt>
          <dd data-testid="total-params" data-value={summary.totals.total}>
            {f.int(summary.totals.total)}
          </dd>
        </div>
        <div>
          <dt>{t('trainableParams')}</dt>
          <dd>{f.int(summary.totals.trainable)}</dd>
        </div>
        <div>
          <dt>{t('nonTrainableParams')}</dt>
          <dd>{f.int(summary.totals.nonTrainable)}</dd>
        </div>
      </dl>
    </div>
  );
}
