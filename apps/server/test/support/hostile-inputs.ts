/**
 * Generated inputs for tRPC procedures (fast-check): values valid for a procedure's own zod
 * schema (through its JSON Schema, so a new procedure or field is covered without edits), the
 * same with one field replaced by something hostile, and hostile values outright.
 */
import fc from 'fast-check';
import { z } from 'zod';

/** What a JSON Schema from `z.toJSONSchema` may say about one value (the parts we use). */
interface Schema {
  type?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

const KEYS_OF_NOTE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'id', 'title'];

/** Text no form would send: NUL, lone surrogates, a BOM, combining marks, RTL overrides, a bad %-escape, "1". */
const oddText = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'title\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFF',
  'e\u0301\u0301\u0301',
  '\u202Eevil',
  '𝕏🙂',
  '%E0%A4%A',
  '1',
  'true',
  'null',
  '__proto__',
  "'; drop table goals; --",
  'x'.repeat(5001),
);

const oddNumber = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0.5,
  -1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
);

/** Anything superjson carries: JSON, plus NaN/Infinity, bigint, Date, Map, Set, RegExp, undefined. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddText,
    oddNumber,
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.constantFrom(null, undefined, true, false, new Date(Number.NaN), new Date(8.64e15), /x/g),
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS_OF_NOTE), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 2 }).map((values) => new Set(values)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((entries) => new Map(entries)),
  ),
})).value;

const SAMPLE_EMAILS = ['admin@demo.pms', 'sam@demo.pms', 'alice@demo.pms', 'Someone.New@Example.org', 'nobody@demo.pms'];

/** A date string, mostly in the years goals may have, sometimes far outside them. */
const dateText = fc
  .tuple(
    fc.oneof(fc.integer({ min: 1999, max: 2101 }), fc.integer({ min: 0, max: 9999 })),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 31 }),
  )
  .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'date') return dateText;
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, minLength + 40);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom(...SAMPLE_EMAILS, 'demo-pass-2026', '0', '12') },
  );
}

/** Whole numbers near the bottom of the range (where the rows are), at its ends, and anywhere. */
function integerFor(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
  const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 25) }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 1, arbitrary: fc.integer({ min, max }) },
  );
}

const ABSENT = Symbol('absent');

/** Values the schema accepts, or nearly (patterns and formats other than dates are not followed). */
export function validFor(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(validFor));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      // Optional fields mostly left out: each one present is one more rule to get right.
      const required = new Set(schema.required ?? []);
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [
          key,
          required.has(key) ? validFor(value) : fc.oneof({ weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: validFor(value) }),
        ]),
      );
      return fc.record(properties).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT)));
    }
    case 'array':
      return fc.array(schema.items ? validFor(schema.items) : hostileValue, { maxLength: schema.maxItems ?? 5 });
    case 'string':
      return stringFor(schema);
    case 'integer':
      return integerFor(schema);
    case 'number':
      return fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostileValue;
  }
}

/** `input` with one field set to `value` (an own property, even `__proto__`), or dropped when `value` is undefined. */
function replaceField(input: unknown, field: string, value: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return value;
  const copy: Record<string, unknown> = { ...input };
  if (value === undefined) delete copy[field];
  else Object.defineProperty(copy, field, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The JSON Schema of a procedure's input (its first parser), or null when it takes none. */
export function inputSchema(parsers: unknown[]): Schema | null {
  const parser = parsers[0];
  if (!(parser instanceof z.ZodType)) return null;
  return z.toJSONSchema(parser, { io: 'input', unrepresentable: 'any' }) as Schema;
}

/** Inputs for a procedure: valid ones, valid ones with one field replaced, and hostile values. */
export function inputsFor(schema: Schema | null): fc.Arbitrary<unknown> {
  if (!schema) return fc.oneof(fc.constant(undefined), hostileValue);
  const valid = validFor(schema);
  const fields = [...Object.keys(schema.properties ?? {}), ...KEYS_OF_NOTE];
  const mutated = fc
    .tuple(valid, fc.constantFrom(...fields), fc.oneof(hostileValue, fc.constant(undefined)))
    .map(([input, field, value]) => replaceField(input, field, value));
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 4, arbitrary: mutated }, { weight: 2, arbitrary: hostileValue });
}

/**
 * A raw tRPC request body, bypassing the client: arbitrary JSON, or superjson's `{ json, meta }`
 * with type annotations at odd paths (`__proto__.x`, unknown types, bad references).
 */
export const rawBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      json: fc.jsonValue({ maxDepth: 2 }),
      meta: fc.record(
        {
          values: fc.oneof(
            fc.jsonValue({ maxDepth: 2 }),
            fc.constantFrom(['Date'], ['bigint'], ['set'], ['map'], ['regexp'], ['class', 'X'], ['custom', 'nope'], ['number']),
            fc.dictionary(
              fc.constantFrom('__proto__', '__proto__.polluted', 'constructor.prototype.polluted', 'id', 'a.b', '', '0'),
              fc.constantFrom(['Date'], ['bigint'], ['undefined'], ['set'], ['map'], ['regexp'], ['number'], ['symbol', 'x'], ['class', 'Y']),
              { maxKeys: 3 },
            ),
          ),
          referentialEqualities: fc.jsonValue({ maxDepth: 2 }),
          v: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
);

/** An HTTP request to the tRPC endpoint as no client would make it: odd paths, methods, media types, bodies. */
export interface OddRequest {
  path: string;
  search: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function oddRequest(paths: string[]): fc.Arbitrary<OddRequest> {
  const header = (name: string, values: string[]) =>
    fc.option(fc.constantFrom(...values), { nil: undefined }).map((value) => (value ? { [name]: value } : {}));
  return fc.record({
    path: fc.oneof(
      fc.constantFrom(...paths),
      fc.constantFrom('%E0%A4%A', '%', '%zz', '__proto__', 'constructor.prototype', 'goals.toString', `${paths[0]},${paths[0]}`, '..%2F..', ''),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    ),
    search: fc.constantFrom(
      '',
      '?batch=1',
      '?input=%7B',
      '?input=%E0%A4%A',
      '?batch=1&input=5',
      '?batch=1&input=%7B%220%22%3A1%7D',
      '?connectionParams=1',
      '?input=null',
      '?input=5',
      '?lastEventId=abc',
    ),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    headers: fc
      .tuple(
        header('content-type', [
          'application/json',
          'text/plain',
          'multipart/form-data',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
        ]),
        header('trpc-accept', ['application/jsonl']),
        header('accept', ['text/event-stream', 'application/jsonl']),
        header('cookie', ['pms_session=%E0%A4%A', 'pms_session=', 'pms_session=a.b.c']),
        header('last-event-id', ['1', 'abc', '99999999999999999999']),
      )
      .map((parts) => Object.assign({}, ...parts) as Record<string, string>),
    body: fc.option(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
        fc.constantFrom('{"json":', '--x\r\nContent-Disposition: form-data; name="json"\r\n\r\n{}\r\n--x--', '{"0":{"json":{"id":1}}}'),
      ),
      { nil: undefined },
    ),
  });
}

/** JSON.stringify, with bigints as text (JSON has none). */
export const toJson = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item));

/** A WebSocket text frame no client would send: tRPC messages with odd ids, methods, paths, params and inputs, or junk. */
export function oddFrame(paths: string[]): fc.Arbitrary<string> {
  const message = fc.record(
    {
      id: fc.oneof(fc.nat(), fc.constantFrom(null, 'x', -1, 1.5), hostileValue),
      jsonrpc: fc.constantFrom('2.0', '1.0'),
      method: fc.oneof(fc.constantFrom('query', 'mutation', 'subscription', 'subscription.stop', 'connectionParams'), fc.string({ maxLength: 8 })),
      params: fc.oneof(
        fc.record(
          {
            path: fc.oneof(fc.constantFrom(...paths), fc.constantFrom('__proto__', 'constructor', 'goals.toString'), fc.string({ maxLength: 12 })),
            input: rawBody,
            lastEventId: fc.oneof(fc.constantFrom('0', '-1', '1e3', '99999999999999999999', '\u0000'), hostileValue),
          },
          { requiredKeys: ['path'] },
        ),
        hostileValue,
      ),
      data: hostileValue,
    },
    { requiredKeys: ['method'] },
  );
  return fc.oneof(
    { weight: 6, arbitrary: message.map(toJson) },
    { weight: 1, arbitrary: fc.array(message, { maxLength: 3 }).map(toJson) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(toJson) },
  );
}
