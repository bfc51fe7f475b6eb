/**
 * The fast writer of answers and events (lib/wire.ts) writes exactly what superjson writes, for
 * the values the API sends and for every value it hands over to superjson.
 */
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serialize } from '../src/lib/wire.js';

const key = fc.oneof(fc.string(), fc.constantFrom('a.b', 'a\\b', '.', '\\.', '0', '1', ''));
/** Keys superjson refuses (prototype pollution); so must we. */
const refusedKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
const date = fc.date({ noInvalidDate: true });

/** What API answers are made of: JSON values, dates and undefined, in objects and arrays. */
const answer = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.string(),
    date,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Values only superjson's general walk handles. */
const general = fc.oneof(
  fc.constant(Number.NaN),
  fc.constant(-0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.bigInt(),
  fc.constant(new Date(Number.NaN)),
  answer.map((value) => new Map([['k', value]])),
  answer.map((value) => new Set([value])),
  fc.constant(/re/g),
  fc.tuple(refusedKey, answer).map(([name, value]) => JSON.parse(JSON.stringify({ [name]: value ?? null })) as unknown),
  answer.map((value) => [value, , value]), // eslint-disable-line no-sparse-arrays
  answer.map((value) => {
    const shared = { value };
    return { a: shared, b: [shared] };
  }),
);

/** The written form with its annotations in path order (superjson's objects may list them in another). */
function normalised(result: unknown) {
  const { json, meta } = JSON.parse(JSON.stringify(result)) as { json: unknown; meta?: { values?: unknown } };
  const values = meta?.values;
  return { json, meta: values && !Array.isArray(values) ? { ...meta, values: Object.entries(values).sort() } : meta };
}

function same(value: unknown): void {
  let expected: unknown;
  try {
    expected = normalised(superjson.serialize(value));
  } catch (refused) {
    expect(() => serialize(value)).toThrow((refused as Error).message);
    return;
  }
  expect(normalised(serialize(value))).toEqual(expected);
}

function refuses(value: unknown): boolean {
  try {
    superjson.serialize(value);
    return false;
  } catch {
    expect(() => serialize(value)).toThrow();
    return true;
  }
}

describe('wire serialize', () => {
  it('writes what superjson writes for answers', () => {
    fc.assert(fc.property(answer, same), { numRuns: 2000 });
  });

  it('hands anything else to superjson, also deep inside an answer', () => {
    fc.assert(
      fc.property(general, fc.array(key, { minLength: 1, maxLength: 3 }), (odd, path) => {
        same(odd);
        same(path.reduceRight<unknown>((inner, name) => ({ [name]: inner }), odd));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back as the value it was', () => {
    fc.assert(
      fc.property(answer, (value) => {
        // A key superjson refuses (fast-check's strings include them): both refuse, nothing to read back.
        fc.pre(!refuses(value));
        const written = serialize(value);
        expect(superjson.deserialize(written)).toEqual(superjson.deserialize(superjson.serialize(value)));
      }),
      { numRuns: 500 },
    );
  });
});
