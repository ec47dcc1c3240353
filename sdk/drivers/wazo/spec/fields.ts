/**
 * Field builders for our description of Wazo confd 1.1: zod schemas that
 * accept what confd's marshmallow schemas accept and fail with the messages
 * confd puts in its errors (`"Missing data for required field."`, `"Longer
 * than maximum length 128."`, …), so the emulator can answer with the same
 * strings and a driver test can tell which field it got wrong.
 *
 * Written from reading wazo-confd (GPL-3.0): `wazo_confd/helpers/mallow.py`
 * (BaseSchema excludes unknown fields; StrictBoolean), the plugins'
 * `schema.py`, and the marshmallow default messages. Nothing is copied.
 */
import { z } from "zod";

/** The default messages of marshmallow, as confd returns them. */
export const MSG = {
  required: "Missing data for required field.",
  null: "Field may not be null.",
  string: "Not a valid string.",
  integer: "Not a valid integer.",
  number: "Not a valid number.",
  boolean: "Not a valid boolean.",
  email: "Not a valid email address.",
  uuid: "Not a valid UUID.",
  list: "Not a valid list.",
  nested: "Invalid input type.",
  pattern: "String does not match expected pattern.",
  predicate: "Invalid input.",
  maxLength: (n: number) => `Longer than maximum length ${n}.`,
  minLength: (n: number) => `Shorter than minimum length ${n}.`,
  lengthEqual: (n: number) => `Length must be ${n}.`,
  lengthBetween: (a: number, b: number) => `Length must be between ${a} and ${b}.`,
  range: (min?: number, max?: number) =>
    min !== undefined && max !== undefined
      ? `Must be greater than or equal to ${min} and less than or equal to ${max}.`
      : min !== undefined
        ? `Must be greater than or equal to ${min}.`
        : `Must be less than or equal to ${max}.`,
  oneOf: (choices: readonly string[]) => `Must be one of: ${choices.join(", ")}.`,
} as const;

/** The type error of a field: missing, null, or the wrong type. */
function typeError(wrongType: string) {
  return (iss: { input?: unknown }) => (iss.input === undefined ? MSG.required : iss.input === null ? MSG.null : wrongType);
}

interface StrOpts {
  max?: number;
  min?: number;
  /** A regular expression the whole value must match (marshmallow `Regexp` uses `re.match`: anchored at the start). */
  pattern?: RegExp;
  /** `Predicate('isdigit')`: only digits, at least one. */
  digits?: boolean;
  /** Exact length (`Length(equal=n)`). */
  length?: number;
}

/** A marshmallow `fields.String` with its validators. */
export function str(opts: StrOpts = {}) {
  let s = z.string({ error: typeError(MSG.string) });
  if (opts.digits) s = s.regex(/^\d+$/, { error: MSG.predicate });
  if (opts.length !== undefined) s = s.length(opts.length, { error: MSG.lengthEqual(opts.length) });
  if (opts.pattern) s = s.regex(opts.pattern, { error: MSG.pattern });
  if (opts.min !== undefined) s = s.min(opts.min, { error: MSG.minLength(opts.min) });
  if (opts.max !== undefined) s = s.max(opts.max, { error: MSG.maxLength(opts.max) });
  return s;
}

/** A marshmallow `fields.Email` (its validator is lenient; so is this one). */
export function email(max?: number) {
  let s = z.string({ error: typeError(MSG.string) }).regex(/^[^@\s]+@[^@\s]+$/, { error: MSG.email });
  if (max !== undefined) s = s.max(max, { error: MSG.maxLength(max) });
  return s;
}

/** A `fields.UUID`. */
export function uuid() {
  return z.string({ error: typeError(MSG.uuid) }).regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/, { error: MSG.uuid });
}

/**
 * A marshmallow `fields.Integer` (not strict): a JSON integer, or a string of
 * digits, which marshmallow converts; booleans and fractions are refused.
 */
export function int(range: { min?: number; max?: number } = {}) {
  let n = z.number({ error: typeError(MSG.integer) }).int({ error: MSG.integer });
  if (range.min !== undefined) n = n.min(range.min, { error: MSG.range(range.min, range.max) });
  if (range.max !== undefined) n = n.max(range.max, { error: MSG.range(range.min, range.max) });
  return z.preprocess((v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v), n);
}

/** A marshmallow `fields.Float`. */
export function float(range: { min?: number } = {}) {
  let n = z.number({ error: typeError(MSG.number) });
  if (range.min !== undefined) n = n.min(range.min, { error: MSG.range(range.min) });
  return z.preprocess((v) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v), n);
}

/** confd's `StrictBoolean`: JSON `true`/`false` only (no `"true"`, no `1`). */
export function strictBool() {
  return z.boolean({ error: typeError(MSG.boolean) });
}

/** A plain marshmallow `fields.Boolean`: also takes 0/1 and the usual strings. */
export function looseBool() {
  const truthy = new Set(["true", "True", "TRUE", "1", "yes", "on", "t", "y"]);
  const falsy = new Set(["false", "False", "FALSE", "0", "no", "off", "f", "n"]);
  return z.preprocess(
    (v) => (v === 1 ? true : v === 0 ? false : typeof v === "string" && truthy.has(v) ? true : typeof v === "string" && falsy.has(v) ? false : v),
    z.boolean({ error: typeError(MSG.boolean) }),
  );
}

/** A `validate.OneOf` string field. */
export function oneOf<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.string({ error: typeError(MSG.string) }).refine((v): v is T[number] => (choices as readonly string[]).includes(v), { error: MSG.oneOf(choices) });
}

/** A nested object: fails with marshmallow's message when the value is not an object. */
export function nested<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.object(shape, { error: typeError(MSG.nested) });
}

/** A `fields.List`. */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: typeError(MSG.list) });
}

/**
 * A PJSIP section option list (`endpoint_section_options`, …): a list of
 * `[key, value]` pairs of strings, at most 512 of them.
 */
export function sectionOptions() {
  const pair = z.array(str(), { error: typeError(MSG.list) }).min(2, { error: MSG.lengthBetween(2, 2) }).max(2, { error: MSG.lengthBetween(2, 2) });
  return list(pair).max(512, { error: MSG.lengthBetween(0, 512) });
}

/**
 * A JSON object schema as confd reads bodies: unknown fields are *ignored*
 * (marshmallow `unknown = EXCLUDE` in confd's BaseSchema), not rejected. The
 * request validator reports them separately, as "ignored", because a driver
 * sending a field Wazo drops is almost always a bug.
 */
export function body<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.object(shape, { error: typeError(MSG.nested) });
}

/** Response objects: we describe the fields we rely on; Wazo sends more. */
export function loose<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.looseObject(shape);
}

/** `{ rel, href }` links Wazo puts on every object. */
export const links = z.array(z.looseObject({ rel: z.string(), href: z.string() }));

/** A list answer: `{ items, total }` (total counts every match, before limit/offset). */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), total: z.number().int().min(0) });
}
