/**
 * The start page's earlier projects: those the engine keeps in the data folder when New or
 * Open replaces the current one (project.recent), newest first, each opened in one click
 * (project.switch; the current project is kept in its place). Reloaded whenever the current
 * project changes.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecentProject } from '../../../../shared/ipc/project';
import { api } from '../../api';
import { toUiError, useApp } from '../../store';
import { useFormat } from '../../use-format';
import { switchProject, useProject } from '../project/project-store';

export function RecentProjects() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const currentId = useProject((s) => s.id);
  const busy = useProject((s) => s.busy);
  const [list, setList] = useState<RecentProject[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .invoke('project.recent', {})
      .then((r) => live && setList(r.projects))
      .catch((e: unknown) => live && useApp.setState({ error: toUiError(e) }));
    return () => {
      live = false;
    };
  }, [currentId]);
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language === 'fa' ? 'fa-IR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="card start-recent" aria-labelledby="recent-title" data-testid="recent-projects">
      <h2 id="recent-title">{t('home.recentTitle')}</h2>
      {list && list.length === 0 && <p className="muted small">{t('home.recentEmpty')}</p>}
      {list && list.length > 0 && (
        <ul className="recent-list">
          {list.map((p) => (
            <li key={p.id} data-project={p.id}>
              <span className="recent-name">{p.name || t('home.untitled')}</span>
              <span className="muted small">
                {t('home.recentRuns', { count: p.runs, value: f.int(p.runs) })} · {t('home.recentSaved', { date: when(p.savedAt) })}
              </span>
              <button type="button" onClick={() => void switchProject(p.id)} disabled={busy} aria-label={`${t('home.recentOpen')}: ${p.name || t('home.untitled')}`}>
                {t('home.recentOpen')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
