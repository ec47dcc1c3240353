/**
 * The one error shape of API v1, and the mapping from zod issues to it.
 */
import { z } from "zod";

/** Error codes and their HTTP statuses (docs/api-v1.md). */
export const ERROR_CODES = [
  "bad_request", // 400 malformed JSON / body
  "validation_failed", // 422
  "unauthorized", // 401
  "forbidden", // 403
  "not_found", // 404
  "conflict", // 409
  "precondition_failed", // 412
  "rate_limited", // 429
  "internal", // 500
  "unavailable", // 503
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** One validation problem: where, which rule, and what to do about it. */
export const ApiIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  rule: z.string(),
  message: z.string(),
});
export type ApiIssue = z.infer<typeof ApiIssueSchema>;

/** The object a 409 collides with, e.g. `{type: "user", id, key: "extension 1001"}`. */
export const ExistingRefSchema = z.object({ type: z.string(), id: z.string(), key: z.string() });
export type ExistingRef = z.infer<typeof ExistingRefSchema>;

/** Body of every non-2xx response. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      requestId: z.string(),
      issues: z.array(ApiIssueSchema).optional(),
      existing: ExistingRefSchema.optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  null: "null",
  bigint: "a whole number",
  date: "a date",
};

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function sizeWords(origin: unknown, bound: unknown): string {
  const n = String(bound);
  if (origin === "string") return `${n} character${n === "1" ? "" : "s"}`;
  if (origin === "array" || origin === "set") return `${n} item${n === "1" ? "" : "s"}`;
  return n;
}

/**
 * The API rule id and a message a person can act on, for any zod issue.
 * Checks of our own carry their rule in `params.rule` (see `rule()` in
 * common.ts) and keep their message; zod's built-in checks get a stable rule
 * id (`type`, `enum`, `discriminator`, `unknown_field`, `min`, `max`,
 * `format`, `union`, …, as docs/api-v1.md lists them) instead of zod's code, and a message in plain words. The
 * provider's CheckFailures and the emulator's 422s both use it, so a preview
 * and the PBX say the same thing.
 */
export function issueRule(issue: z.core.$ZodIssue): { rule: string; message: string } {
  const params = (issue as { params?: { rule?: unknown } }).params;
  if (issue.code === "custom" && typeof params?.rule === "string") return { rule: params.rule, message: issue.message };
  switch (issue.code) {
    case "invalid_type": {
      // zod keeps the input out of the issue; its message still says what it received.
      if (/received undefined$/.test(issue.message)) return { rule: "type", message: "is required" };
      return { rule: "type", message: `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    }
    case "invalid_value":
      if (issue.values.length === 1) return { rule: "enum", message: `must be ${show(issue.values[0])}` };
      return { rule: "enum", message: `must be one of: ${issue.values.map(show).join(", ")}` };
    case "invalid_union": {
      const d = issue as { note?: string; options?: unknown[] };
      if (d.note === "No matching discriminator" && Array.isArray(d.options)) return { rule: "discriminator", message: `must be one of: ${d.options.map(show).join(", ")}` };
      // Every branch refused the value at its root: name the types that would do.
      const expected = issue.errors.map((branch) => branch.find((i) => i.path.length === 0 && i.code === "invalid_type") as { expected?: string } | undefined);
      if (expected.every((e) => e?.expected)) return { rule: "type", message: `must be ${[...new Set(expected.map((e) => TYPE_NAMES[e!.expected!] ?? e!.expected!))].join(" or ")}` };
      return { rule: "union", message: "matches none of the accepted forms" };
    }
    case "unrecognized_keys":
      return { rule: "unknown_field", message: issue.keys.length === 1 ? `unknown field "${issue.keys[0]}"` : `unknown fields ${issue.keys.map((k) => `"${k}"`).join(", ")}` };
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return { rule: "min", message: "must not be empty" };
      return { rule: "min", message: `must be at least ${sizeWords(issue.origin, issue.minimum)}` };
    case "too_big":
      return { rule: "max", message: `must be at most ${sizeWords(issue.origin, issue.maximum)}` };
    case "invalid_format":
      return { rule: "format", message: issue.format === "email" ? "must be an email address" : issue.format === "regex" ? "has the wrong format" : `must be a valid ${issue.format}` };
    case "not_multiple_of":
      return { rule: "multiple_of", message: `must be a multiple of ${String(issue.divisor)}` };
    case "invalid_key":
      return { rule: "key", message: "has an invalid key" };
    case "invalid_element":
      return { rule: "element", message: "has an invalid element" };
    default:
      return { rule: typeof params?.rule === "string" ? params.rule : "invalid", message: issue.message };
  }
}

/**
 * Turn a ZodError into API issues, one per problem, with the rules and
 * messages of {@link issueRule}. An unknown field is reported on its own
 * path so the user sees the typo.
 */
export function zodIssues(error: { issues: readonly z.core.$ZodIssue[] }): ApiIssue[] {
  const out: ApiIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key], rule: "unknown_field", message: `unknown field "${key}"` });
      continue;
    }
    out.push({ path, ...issueRule(issue) });
  }
  return out;
}

/** A readable one-line summary of issues, e.g. `voicemail.pin: voicemail PIN must be at least 4 digits`. */
export function formatIssues(issues: ApiIssue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
