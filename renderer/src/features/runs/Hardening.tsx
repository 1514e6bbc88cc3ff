/**
 * Training safety on the Runs page (issue #8): the memory a run needs, shown before it
 * starts (the engine refuses a run that cannot fit, E_MEMORY), and the Resume button of a
 * run that a crash or power cut interrupted (its checkpoint is kept by the engine).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Experiment } from '../../../../shared/experiment';
import type { Res } from '../../../../shared/ipc/contract';
import type { RunRecord } from '../../../../shared/runs';
import { api } from '../../api';
import { resumeTraining, useApp } from '../../store';
import { useFormat } from '../../use-format';
import { useBuilder } from '../builder/builder-store';
import { useData } from '../data/data-store';
import { useTrainSettings } from './train-settings';

type Estimate = Res<'train.estimate'>['estimate'];

/** The estimate for the experiment the Train button would start (asked again when model, data or settings change). */
export function MemoryEstimate({ build }: { build: () => Experiment | null }) {
  const { t } = useTranslation('hardening');
  const f = useFormat();
  const [estimate, setEstimate] = useState<Estimate>(null);
  // Re-render when what the experiment is made of changes.
  useBuilder((s) => s.graph);
  useData((s) => s.windowing);
  useData((s) => s.dataset);
  useTrainSettings();
  const experiment = build();
  const key = experiment ? JSON.stringify(experiment) : '';
  useEffect(() => {
    if (!key) {
      setEstimate(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.invoke('train.estimate', { experiment: JSON.parse(key) as Experiment }).then(
        (r) => live && setEstimate(r.estimate),
        () => live && setEstimate(null),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  if (!estimate) return null;
  const values = { need: f.int(estimate.needMiB), have: f.int(estimate.haveMiB) };
  return (
    <p className={estimate.fits ? 'muted' : 'warn'} data-testid="memory-estimate" data-fits={estimate.fits} aria-label={t('memory.label')}>
      {t(estimate.fits ? 'memory.fits' : 'memory.tooBig', values)}{' '}
      {!estimate.fits && (estimate.suggestedBatch > 0 ? t('memory.hintBatch', { batch: f.int(estimate.suggestedBatch) }) : t('memory.hintModel'))}{' '}
      {!estimate.fits && estimate.limitedBy === 'wasm32' && t('memory.wasm32')}
    </p>
  );
}

/** For a run a crash interrupted: how far it got, and a button to continue it from its checkpoint. */
export function ResumeRun({ run }: { run: RunRecord }) {
  const { t } = useTranslation('hardening');
  const f = useFormat();
  const idle = useApp((s) => s.training.status === 'idle');
  const err = run.done.error;
  if (err?.code !== 'E_RUN_INTERRUPTED') return null;
  const p = err.params ?? {};
  return (
    <span className="resume-run" data-testid="resume-run">
      <small>{t('resume.interrupted', { epochs: f.int(Number(p.epochs ?? 0)), of: f.int(Number(p.of ?? 0)) })}</small>{' '}
      {Number(p.resumable) === 1 && (
        <button type="button" disabled={!idle} title={t('resume.title')} onClick={() => void resumeTraining(run.id)}>
          {t('resume.button')}
        </button>
      )}
    </span>
  );
}
