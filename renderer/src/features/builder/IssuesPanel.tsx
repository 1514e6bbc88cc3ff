import { useTranslation } from 'react-i18next';
import { select, useBuilder } from './builder-store';

/** Every problem of the current stack: what is wrong, why, and what would fix it. */
export function IssuesPanel() {
  const { t } = useTranslation('builder');
  const tu = useTranslation('builderUi').t;
  const report = useBuilder((s) => s.report);
  if (report.issues.length === 0) {
    return (
      <p className="good" role="status" data-testid="model-ok">
        {tu('noIssues')}
      </p>
    );
  }
  return (
    <ul className="issues" aria-label={tu('issues')} data-testid="issues">
      {report.issues.map((issue, i) => (
        <li key={`${issue.code}-${issue.nodeId ?? ''}-${i}`} className={`issue ${issue.severity}`} data-code={issue.code}>
          <strong>{issue.severity === 'error' ? tu('error') : tu('warning')}</strong>
          {issue.nodeId && (
            <button type="button" className="link-inline" onClick={() => select([issue.nodeId!])} dir="ltr">
              {String(issue.params.layer ?? issue.nodeId)}
            </button>
          )}
          <span className="why">{t(`errors.${issue.code}.why`, issue.params)}</span>
          <span className="fix">
            {tu('fixLabel')} {t(`errors.${issue.code}.fix`, issue.params)}
          </span>
        </li>
      ))}
    </ul>
  );
}
