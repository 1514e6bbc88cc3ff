import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { on } from '../../engine-events';
import './data.css';
import { DatasetPicker } from './DatasetPicker';
import { DatasetView } from './DatasetView';
import { importFile, loadCatalog, onDataProgress, selectDataset, useData } from './data-store';
import { WindowDesigner } from './WindowDesigner';

/** Files dragged over the window carry the 'Files' type. */
const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/**
 * The Data page: choose a dataset (generated, or a CSV file imported by dialog or drop),
 * look at it (statistics, first rows, any column plotted), and design the windows a
 * forecasting model is trained on.
 */
export function DataPage() {
  const { t } = useTranslation('dataUi');
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    void loadCatalog();
    // Describe what is selected (the builder may have chosen it); the engine keeps it loaded.
    void selectDataset(useData.getState().dataset);
    const off = on('data.progress', onDataProgress);
    return () => {
      off();
    };
  }, []);

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      // Never let the window navigate to a dropped file.
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files?.[0];
      if (file) void importFile(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div className="data-page" data-testid="data-page">
      <DatasetPicker />
      <div className="data-main">
        <DatasetView />
        <WindowDesigner />
      </div>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>{t('import.dropHere')}</p>
        </div>
      )}
    </div>
  );
}
