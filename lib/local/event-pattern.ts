/**
 * EventBridge event-pattern matching for the local bus, so a rule matches locally
 * exactly the events it matches in AWS. No maintained npm library does this alone
 * (the ones that exist are plugins of other local runners), so it is written here
 * from the AWS documentation of content filtering
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 *
 * - a pattern is an object; every field it names must match (AND), `$or` takes a
 *   list of sub-patterns of which one must match;
 * - a field's value is either a nested pattern (matched against the event's object
 *   there) or a non-empty array of matchers of which one must match (OR);
 * - when the event holds an array, the field matches if any element matches;
 * - matchers: exact values (string, number compared numerically, boolean, null;
 *   `""` and `null` are different), `prefix`, `suffix` (each optionally with
 *   `equals-ignore-case`), `equals-ignore-case`, `wildcard` (`*`, with `\*` a
 *   literal star), `numeric` (`<`, `<=`, `=`, `>=`, `>`, up to one lower and one
 *   upper bound), `exists` (true: the leaf field is present, null included; false:
 *   absent), `anything-but` (a value or list, or a `prefix` / `suffix` /
 *   `equals-ignore-case` / `wildcard`); `anything-but` needs the field present.
 *
 * Patterns are compiled once, and an invalid pattern throws, as PutRule refuses it.
 * Not supported locally: `cidr` (it throws, so a rule using it is noticed at start).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Leaf = (value: Json) => boolean;

/** One compiled field test: given whether the field is present and its value. */
type FieldTest = (present: boolean, value: Json | undefined) => boolean;
export type EventMatcher = (event: unknown) => boolean;

export class InvalidPatternError extends Error {
  constructor(path: string, problem: string) {
    super(`Invalid event pattern at ${path || '(root)'}: ${problem}`);
    this.name = 'InvalidPatternError';
  }
}

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Compile a pattern; throws `InvalidPatternError` for what EventBridge would refuse. */
export function compilePattern(pattern: unknown): EventMatcher {
  if (!isObject(pattern)) throw new InvalidPatternError('', 'a pattern is a JSON object');
  const test = compileObject(pattern, '');
  return (event) => test(isObject(event) ? event : undefined);
}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

function compileObject(pattern: Record<string, Json>, path: string): (event: Record<string, Json> | undefined) => boolean {
  const tests: ((event: Record<string, Json> | undefined) => boolean)[] = [];
  for (const [key, rule] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject))
        throw new InvalidPatternError(here, '$or takes a list of at least two patterns');
      const alternatives = rule.map((alt, i) => compileObject(alt as Record<string, Json>, `${here}[${i}]`));
      tests.push((event) => alternatives.some((alt) => alt(event)));
      continue;
    }
    const field = compileField(rule, here);
    tests.push((event) => field(event !== undefined && Object.hasOwn(event, key), event?.[key]));
  }
  if (tests.length === 0) throw new InvalidPatternError(path, 'an empty object matches nothing useful; EventBridge refuses it');
  return (event) => tests.every((t) => t(event));
}

function compileField(rule: Json, path: string): FieldTest {
  if (isObject(rule)) {
    const nested = compileObject(rule, path);
    // An array of objects matches if one element does; anything else is "no object here",
    // which only patterns of `exists: false` fields can match.
    return (present, value) => {
      if (present && Array.isArray(value)) return value.some((el) => isObject(el) && nested(el));
      return nested(present && isObject(value) ? value : undefined);
    };
  }
  if (!Array.isArray(rule)) throw new InvalidPatternError(path, 'a field must be an array of matchers or a nested pattern');
  if (rule.length === 0) throw new InvalidPatternError(path, 'an empty array of matchers matches nothing; EventBridge refuses it');

  const leaves: Leaf[] = [];
  let existsTrue = false;
  let existsFalse = false;
  rule.forEach((matcher, i) => {
    if (isObject(matcher) && 'exists' in matcher) {
      if (Object.keys(matcher).length !== 1 || typeof matcher.exists !== 'boolean')
        throw new InvalidPatternError(`${path}[${i}]`, 'exists takes true or false');
      if (matcher.exists) existsTrue = true;
      else existsFalse = true;
      return;
    }
    leaves.push(compileLeaf(matcher, `${path}[${i}]`));
  });
  return (present, value) => {
    if (!present) return existsFalse;
    // Exists and the other matchers look at leaves: a field holding an object is not one.
    const values: Json[] = Array.isArray(value) ? value : [value ?? null];
    const leafValues = values.filter((v) => !isObject(v) && !Array.isArray(v));
    if (existsTrue && leafValues.length > 0) return true;
    return leafValues.some((v) => leaves.some((leaf) => leaf(v)));
  };
}

function compileLeaf(matcher: Json, path: string): Leaf {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') return (v) => v === matcher;
  if (typeof matcher === 'number') return (v) => typeof v === 'number' && v === matcher;
  if (Array.isArray(matcher)) throw new InvalidPatternError(path, 'a matcher cannot be an array');
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new InvalidPatternError(path, 'a content filter has exactly one operator');
  const op = keys[0]!;
  const arg = matcher[op]!;
  switch (op) {
    case 'prefix':
      return affix(arg, path, (v, s) => v.startsWith(s));
    case 'suffix':
      return affix(arg, path, (v, s) => v.endsWith(s));
    case 'equals-ignore-case': {
      const s = stringArg(arg, path).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === s;
    }
    case 'wildcard':
      return wildcard(stringArg(arg, path), path);
    case 'numeric':
      return numeric(arg, path);
    case 'anything-but':
      return anythingBut(arg, path);
    case 'cidr':
      throw new InvalidPatternError(path, 'cidr matching is not supported by the local bus');
    default:
      throw new InvalidPatternError(path, `unknown operator '${op}'`);
  }
}

function stringArg(arg: Json, path: string): string {
  if (typeof arg !== 'string') throw new InvalidPatternError(path, 'expects a string');
  return arg;
}

/** `prefix` / `suffix`, given a string or `{ "equals-ignore-case": string }`. */
function affix(arg: Json, path: string, test: (value: string, affix: string) => boolean): Leaf {
  if (typeof arg === 'string') return (v) => typeof v === 'string' && test(v, arg);
  if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    const lower = arg['equals-ignore-case'].toLowerCase();
    return (v) => typeof v === 'string' && test(v.toLowerCase(), lower);
  }
  throw new InvalidPatternError(path, 'prefix and suffix take a string or { "equals-ignore-case": string }');
}

function wildcard(glob: string, path: string): Leaf {
  if (/\*\*/.test(glob.replace(/\\\\|\\\*/g, ''))) throw new InvalidPatternError(path, 'consecutive wildcard characters are not allowed');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && (glob[i + 1] === '*' || glob[i + 1] === '\\')) {
      source += `\\${glob[++i]}`;
    } else if (c === '*') {
      source += '.*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const re = new RegExp(`^${source}$`, 's');
  return (v) => typeof v === 'string' && re.test(v);
}

const NUMERIC_OPS = ['<', '<=', '=', '>', '>='] as const;
type NumericOp = (typeof NUMERIC_OPS)[number];

function numeric(arg: Json, path: string): Leaf {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new InvalidPatternError(path, 'numeric takes one or two (operator, number) pairs');
  }
  const checks: ((n: number) => boolean)[] = [];
  let lower = false;
  let upper = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i] as NumericOp;
    const bound = arg[i + 1];
    if (!NUMERIC_OPS.includes(op) || typeof bound !== 'number')
      throw new InvalidPatternError(path, `numeric: '${String(op)}' with ${JSON.stringify(bound)} is not an (operator, number) pair`);
    if (op === '=' && arg.length !== 2) throw new InvalidPatternError(path, "numeric '=' stands alone");
    if (op.startsWith('>')) {
      if (lower) throw new InvalidPatternError(path, 'numeric takes at most one lower bound');
      lower = true;
    }
    if (op.startsWith('<')) {
      if (upper) throw new InvalidPatternError(path, 'numeric takes at most one upper bound');
      upper = true;
    }
    checks.push(
      {
        '<': (n: number) => n < bound,
        '<=': (n: number) => n <= bound,
        '=': (n: number) => n === bound,
        '>': (n: number) => n > bound,
        '>=': (n: number) => n >= bound,
      }[op],
    );
  }
  return (v) => typeof v === 'number' && checks.every((check) => check(v));
}

function anythingBut(arg: Json, path: string): Leaf {
  const scalar = (x: Json): x is string | number | boolean | null => x === null || ['string', 'number', 'boolean'].includes(typeof x);
  if (scalar(arg)) return (v) => v !== arg;
  if (Array.isArray(arg)) {
    if (arg.length === 0 || !arg.every(scalar)) throw new InvalidPatternError(path, 'anything-but takes a value, a list of values, or one operator');
    return (v) => !(arg as Json[]).includes(v);
  }
  const keys = Object.keys(arg);
  if (keys.length !== 1) throw new InvalidPatternError(path, 'anything-but takes one operator');
  const op = keys[0]!;
  const inner = arg[op]!;
  const list = (Array.isArray(inner) ? inner : [inner]).map((s) => stringArg(s, `${path}.anything-but.${op}`));
  let positive: Leaf[];
  switch (op) {
    case 'prefix':
      positive = list.map((s) => (v: Json) => typeof v === 'string' && v.startsWith(s));
      break;
    case 'suffix':
      positive = list.map((s) => (v: Json) => typeof v === 'string' && v.endsWith(s));
      break;
    case 'equals-ignore-case':
      positive = list.map((s) => (v: Json) => typeof v === 'string' && v.toLowerCase() === s.toLowerCase());
      break;
    case 'wildcard':
      positive = list.map((s) => wildcard(s, path));
      break;
    default:
      throw new InvalidPatternError(path, `anything-but does not take '${op}'`);
  }
  // anything-but with a string operator only ever matches strings.
  return (v) => typeof v === 'string' && !positive.some((p) => p(v));
}
