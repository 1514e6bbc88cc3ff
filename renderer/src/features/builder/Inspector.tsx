import { useTranslation } from 'react-i18next';
import { getBlock, type BuilderNode, type ParamDef, type ParamValue } from '../../../../shared/model';
import { setParam, setWrapped, useBuilder } from './builder-store';
import { useBlockText } from './use-block-text';

function parseShape(text: string, nullable: boolean): ParamValue {
  const parts = text
    .split(/[,×x\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.map((p) => (nullable && /^none|null|\?$/i.test(p) ? null : Number(p)));
}

function ParamField({ nodeId, def, value, inner }: { nodeId: string; def: ParamDef; value: ParamValue | undefined; inner: boolean }) {
  const { pick } = useBlockText();
  const id = `p-${nodeId}-${inner ? 'in-' : ''}${def.name}`;
  const label = pick(def.label);
  const update = (v: ParamValue) => setParam(nodeId, def.name, v, inner);
  let control;
  if (def.type === 'bool') {
    control = <input id={id} type="checkbox" checked={value === true} onChange={(e) => update(e.target.checked)} />;
  } else if (def.type === 'enum') {
    control = (
      <select id={id} value={String(value ?? '')} onChange={(e) => update(e.target.value)}>
        {(def.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (def.type === 'shape') {
    control = (
      <input
        id={id}
        dir="ltr"
        defaultValue={Array.isArray(value) ? value.map((v) => (v === null ? 'None' : String(v))).join(', ') : ''}
        key={JSON.stringify(value)}
        onBlur={(e) => update(parseShape(e.target.value, def.nullable === true))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') update(parseShape((e.target as HTMLInputElement).value, def.nullable === true));
        }}
      />
    );
  } else if (def.type === 'int' || def.type === 'float') {
    control = (
      <input
        id={id}
        dir="ltr"
        type="number"
        step={def.type === 'int' ? 1 : 'any'}
        min={def.min}
        max={def.max}
        value={value === null || value === undefined ? '' : String(value)}
        placeholder={def.nullable ? 'None' : undefined}
        onChange={(e) => {
          const raw = e.target.value;
          if (raw === '') {
            if (def.nullable) update(null);
            return;
          }
          const n = Number(raw);
          if (Number.isFinite(n)) update(n);
        }}
      />
    );
  } else {
    control = <input id={id} dir="ltr" value={String(value ?? '')} onChange={(e) => update(e.target.value)} />;
  }
  return (
    <div className={`field field-${def.type}`}>
      <label htmlFor={id}>{label}</label>
      {control}
    </div>
  );
}

/** The selected layer's settings, a form derived from the catalog. */
export function Inspector() {
  const { t } = useTranslation('builderUi');
  const { blockName, blockHelp } = useBlockText();
  const selected = useBuilder((s) => s.selected);
  const graph = useBuilder((s) => s.graph);
  const node: BuilderNode | undefined = selected.length === 1 ? graph.nodes.find((n) => n.id === selected[0]) : undefined;
  if (!node) {
    return (
      <section className="inspector" aria-label={t('inspector')}>
        <h3>{t('inspector')}</h3>
        <p className="muted">{t('selectHint')}</p>
      </section>
    );
  }
  const def = getBlock(node.block);
  return (
    <section className="inspector" aria-label={t('inspector')}>
      <h3>{blockName(node.block)}</h3>
      <p className="muted small">{blockHelp(node.block)}</p>
      <form onSubmit={(e) => e.preventDefault()}>
        {def?.params.map((p) => <ParamField key={p.name} nodeId={node.id} def={p} value={node.params[p.name]} inner={false} />)}
        {def?.wrapper && node.wrapped && (
          <fieldset>
            <legend>{t('wrappedLayer')}</legend>
            <div className="field">
              <label htmlFor={`wrap-${node.id}`}>{t('wrappedBlock')}</label>
              <select id={`wrap-${node.id}`} value={node.wrapped.block} onChange={(e) => setWrapped(node.id, e.target.value)}>
                {(def.wraps ?? []).map((w) => (
                  <option key={w} value={w}>
                    {blockName(w)}
                  </option>
                ))}
              </select>
            </div>
            {getBlock(node.wrapped.block)?.params.map((p) => (
              <ParamField key={p.name} nodeId={node.id} def={p} value={node.wrapped!.params[p.name]} inner />
            ))}
          </fieldset>
        )}
      </form>
    </section>
  );
}
