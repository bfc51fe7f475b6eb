/**
 * How answers and events are written for clients: superjson's format, which every client reads
 * with `superjson` (tRPC's transformer), made faster for what the API sends almost always: plain
 * objects and arrays of JSON values, dates and undefined. superjson walks every value with a
 * general visitor that allocates paths and closures at each step, a quarter of all the server
 * allocates per delivered event (BENCHMARKS.md); this walk allocates the copy and one path string
 * per date. Anything else (a Map, a Set, a bigint, a class, NaN, -0, an object met twice) goes to
 * superjson itself (as do holes in arrays, invalid dates and the keys superjson refuses), so the
 * output is always superjson's: the same JSON and the same annotations, which superjson may list in
 * another order (its objects put integer keys first at each level; for dates and undefined the
 * order does not matter). Tested against superjson in packages/api/test/wire.property.test.ts.
 */
import superjson from 'superjson';
import type { SuperJSONResult } from 'superjson';
import { TRANSFORMER_REFUSED_KEYS } from '@pms/shared';

/** Thrown inside the walk when a value needs superjson's general treatment. */
const GENERAL = Symbol('general');

type Annotations = Map<string | null, ['Date'] | ['undefined']>;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A path segment as superjson writes it: dots and backslashes escaped. */
function segment(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}

/**
 * The JSON copy of `value`, its dates and undefined values recorded in `annotations` by path;
 * `path` is null at the top (superjson joins path segments with dots, so the key "" is a path too).
 */
function walk(value: unknown, path: string | null, annotations: Annotations, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw GENERAL;
    return value;
  }
  if (value === undefined) {
    annotations.set(path, ['undefined']);
    return null;
  }
  if (typeof value !== 'object') throw GENERAL; // bigint, symbol, function
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw GENERAL;
    annotations.set(path, ['Date']);
    return value.toISOString();
  }
  if (seen.has(value)) throw GENERAL; // superjson records shared references
  seen.add(value);
  const prefix = path === null ? '' : `${path}.`;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw GENERAL; // a hole: superjson writes null without an annotation
      copy[i] = walk(value[i], prefix + i, annotations, seen);
    }
    return copy;
  }
  if (!isPlainObject(value)) throw GENERAL;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (TRANSFORMER_REFUSED_KEYS.has(key)) throw GENERAL; // superjson refuses them
    copy[key] = walk(value[key], prefix + segment(key), annotations, seen);
  }
  return copy;
}

export function serialize(value: unknown): SuperJSONResult {
  const annotations: Annotations = new Map();
  let json: unknown;
  try {
    json = walk(value, null, annotations, new Set());
  } catch (error) {
    if (error === GENERAL) return superjson.serialize(value);
    throw error;
  }
  if (annotations.size === 0) return { json } as SuperJSONResult;
  // A date or undefined at the top is annotated by its type alone, as superjson does.
  const values = annotations.get(null) ?? Object.fromEntries(annotations);
  return { json, meta: { values, v: 1 } } as SuperJSONResult;
}

/** tRPC's transformer: requests read by superjson, answers and events written by `serialize`. */
export const wireTransformer = {
  input: superjson,
  output: { serialize, deserialize: (value: SuperJSONResult) => superjson.deserialize(value) },
};
