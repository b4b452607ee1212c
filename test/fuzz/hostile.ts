/**
 * fast-check arbitraries for what an attacker (or a broken tool) puts into a file or a message: control and bidi
 * characters, prototype names, path tricks, long strings, extreme numbers, deep and wide structures. Sizes stay
 * small (a case must take milliseconds); the large classes (10,000-deep, a million keys) have their own unit tests.
 */
import * as fc from 'fast-check';

/** Strings that broke or could break something: escapes, prototype names, paths, shells, lone surrogates. */
export const HOSTILE_STRINGS = [
  '',
  '\u001b]0;pwned\u0007\u001b[2J',
  '\u202eevil',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '.',
  '..',
  '../..',
  '../../etc/passwd',
  '/etc/passwd',
  '/dev/zero',
  '$(touch /tmp/snn-fuzz-pwned)',
  '`id`',
  'a\nb',
  '\u0000',
  '\ud800',
  '%s%n',
  'NaN',
  '-1',
  '1e999',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '\u001b', '/', '"'), fc.integer({ min: 1, max: 5_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 2,
    2 ** 31,
    65_536,
    1e20,
    0.5,
    NaN,
    Infinity,
    -Infinity,
  ),
  fc.double(),
  fc.integer(),
);

/** A value nested `depth` levels deep in arrays or objects (built without recursion). */
export function nested(depth: number, inObject: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = inObject ? { a: value } : [value];
  return value;
}

/** An object with own (not inherited) properties named by hostile strings, `__proto__` included. */
export function ownRecord(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const { leaf } = fc.letrec<{ leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileNumber,
    hostileString,
    fc.constantFrom(true, false, null),
    fc.array(tie('leaf'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileString, tie('leaf')), { maxLength: 4 }).map(ownRecord),
  ),
}));

/** Any hostile value: a scalar, a small structure with hostile keys, a deep nest (≤ 300), an array of ≤ 1,000 or an object of ≤ 500 keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 300 }), fc.boolean()).map(([d, o]) => nested(d, o)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 1_000 }), hostileNumber).map(([n, v]) => Array(n).fill(v)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 500 })
      .map((n) => ownRecord(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  },
);

const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Object.prototype must never gain a property from hostile input. */
export function assertNoPollution(): void {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((name) => !PROTOTYPE_NAMES.has(name));
  if (added.length > 0) throw new Error(`Object.prototype was polluted: ${added.join(', ')}`);
}
