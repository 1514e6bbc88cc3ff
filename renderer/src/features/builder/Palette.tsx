import { useTranslation } from 'react-i18next';
import { BLOCKS, type BlockKind } from '../../../../shared/model';
import { addBlock } from './builder-store';
import { useBlockText } from './use-block-text';

const GROUPS: BlockKind[] = ['input', 'recurrent', 'wrapper', 'conv', 'pool', 'core', 'merge'];
export const DRAG_MIME = 'application/x-seqlab-block';

/** Every block is a button (click or Enter adds it to the stack) and can be dragged onto the canvas. */
export function Palette() {
  const { t } = useTranslation('builderUi');
  const { blockName, blockHelp } = useBlockText();
  return (
    <nav className="palette" aria-label={t('palette')}>
      {GROUPS.map((g) => (
        <section key={g} aria-labelledby={`pal-${g}`}>
          <h3 id={`pal-${g}`}>{t(`groups.${g}`)}</h3>
          <div className="palette-items">
            {BLOCKS.filter((b) => b.kind === g).map((b) => (
              <button
                key={b.id}
                type="button"
                className="palette-item"
                data-block={b.id}
                title={blockHelp(b.id)}
                aria-description={blockHelp(b.id)}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_MIME, b.id);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => addBlock(b.id)}
              >
                {blockName(b.id)}
              </button>
            ))}
          </div>
        </section>
      ))}
    </nav>
  );
}
