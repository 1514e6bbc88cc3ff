import { useTranslation } from 'react-i18next';
import type { Shape } from '../../../../shared/model';

/**
 * A shape as Keras prints it, `(None, 240, 14)`, as readable text, with the time axis
 * marked (a clock mark and an accessible note). Always left to right.
 */
export function ShapeText({ shape, timeAxis, text }: { shape: Shape | null; timeAxis: number | null; text: string }) {
  const { t } = useTranslation('builderUi');
  if (!shape) {
    return (
      <bdi dir="ltr" className="shape unknown">
        {text}
      </bdi>
    );
  }
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return (
    <bdi dir="ltr" className="shape" data-shape={text} title={timeAxis !== null ? t('timeAxisHint') : undefined}>
      (
      {parts.map((p, i) => (
        <span key={i}>
          {i > 0 ? ', ' : ''}
          {i === timeAxis ? (
            <span className="time-axis" aria-label={t('timeAxisLabel', { value: p })}>
              {p}
            </span>
          ) : (
            p
          )}
        </span>
      ))}
      {parts.length === 1 ? ',' : ''})
    </bdi>
  );
}
