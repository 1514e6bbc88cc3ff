/** Tokens of the small inline markup used in lesson texts: `$tex$` and `code`. */
export type InlineToken = { kind: 'text'; value: string } | { kind: 'math'; value: string } | { kind: 'code'; value: string };

const TOKEN = /(\$[^$]+\$|`[^`]+`)/g;

export function parseInline(text: string): InlineToken[] {
  const out: InlineToken[] = [];
  for (const part of text.split(TOKEN)) {
    if (!part) continue;
    if (part.length > 2 && part.startsWith('$') && part.endsWith('$')) out.push({ kind: 'math', value: part.slice(1, -1) });
    else if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) out.push({ kind: 'code', value: part.slice(1, -1) });
    else out.push({ kind: 'text', value: part });
  }
  return out;
}

/** The text without its markup (a title in a list or a button): `$x$` and `code` as their content. */
export function plainText(s: string): string {
  return s.replace(/\$([^$]+)\$/g, '$1').replace(/`([^`]+)`/g, '$1');
}
