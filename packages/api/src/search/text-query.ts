/**
 * The search box's words as a PostgreSQL tsquery, and its matches as highlighted text.
 *
 * Type-ahead: every word is a prefix ('quar':* finds "Quarterly"), and all of them must match.
 * The query is built from the words alone (letters, marks and numbers, SEARCH_WORD), each quoted
 * as a lexeme, so nothing a person types is ever read as tsquery syntax (& | ! <-> :* quotes).
 */
import { sql, type RawBuilder } from 'kysely';
import { SEARCH_WORD } from '@pms/shared';

/** Words beyond these are ignored: each one is another index scan. */
export const MAX_SEARCH_WORDS = 8;

/** "Quar  rev!" → `'quar':* & 'rev':*`; null when there is no word (the input schema refuses that). */
export function prefixQueryText(q: string): string | null {
  const words = [...new Set(q.toLowerCase().match(SEARCH_WORD) ?? [])].slice(0, MAX_SEARCH_WORDS);
  return words.length === 0 ? null : words.map((word) => `'${word}':*`).join(' & ');
}

/** The tsquery, in the 'simple' configuration of both search indexes (an immutable call: planned as a constant). */
export const tsQuery = (queryText: string): RawBuilder<unknown> => sql`to_tsquery('simple', ${queryText})`;

// Marks around each match in ts_headline's output: control characters, taken out of the text first.
const START = '\u0002';
const STOP = '\u0003';
const MARKERS = `StartSel="${START}", StopSel="${STOP}"`;

/** How much of a long text a snippet shows: up to two fragments around the matches. */
const SNIPPET = `MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … ", ${MARKERS}`;
const WHOLE = `HighlightAll=true, ${MARKERS}`;

/** ts_headline of a column, whole (titles) or as a snippet (descriptions, messages). */
export function headline(column: RawBuilder<string>, query: RawBuilder<unknown>, shape: 'whole' | 'snippet'): RawBuilder<string> {
  const text = sql`translate(${column}, ${START + STOP}, '')`;
  return sql<string>`ts_headline('simple', ${text}, ${query}, ${shape === 'whole' ? WHOLE : SNIPPET})`;
}

/** Plain text in parts, `match` where the query matched: the SPA shows those in <mark>, as text, never as HTML. */
export interface Highlighted {
  text: string;
  match: boolean;
}

export function toParts(headlineText: string): Highlighted[] {
  const parts: Highlighted[] = [];
  for (const [i, piece] of headlineText.split(START).entries()) {
    const [marked, rest] = i === 0 ? [null, piece] : splitOnce(piece, STOP);
    if (marked) parts.push({ text: marked, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
