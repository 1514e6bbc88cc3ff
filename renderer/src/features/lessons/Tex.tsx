import { useMemo } from 'react';
import katex from 'katex';
import { parseInline } from './markup';

/** A display formula: KaTeX HTML in a left-to-right box, so it reads right inside RTL text. */
export function Formula(props: { tex: string; label: string }) {
  const html = useMemo(() => katex.renderToString(props.tex, { throwOnError: false, displayMode: true }), [props.tex]);
  return (
    <div className="lesson-formula" dir="ltr" role="math" aria-label={props.label} dangerouslySetInnerHTML={{ __html: html }} />
  );
}

function InlineMath(props: { tex: string }) {
  const html = useMemo(() => katex.renderToString(props.tex, { throwOnError: false, displayMode: false }), [props.tex]);
  return <bdi className="lesson-inline-math" dir="ltr" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** Lesson text with inline `$tex$` and `code` islands kept left to right. */
export function RichText(props: { text: string }) {
  const tokens = useMemo(() => parseInline(props.text), [props.text]);
  return (
    <>
      {tokens.map((tok, i) => {
        if (tok.kind === 'math') return <InlineMath key={i} tex={tok.value} />;
        if (tok.kind === 'code') return <code key={i} dir="ltr" className="lesson-code">{tok.value}</code>;
        return <span key={i}>{tok.value}</span>;
      })}
    </>
  );
}
