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

/** Rule ids for zod's built-in issue codes, used when a check carries no `params.rule`. */
const RULE_BY_CODE: Record<string, string> = {
  invalid_type: "type",
  invalid_value: "enum",
  invalid_union: "union",
  unrecognized_keys: "unknown_field",
  too_small: "min",
  too_big: "max",
  invalid_format: "format",
  not_multiple_of: "multiple_of",
  invalid_key: "key",
  invalid_element: "element",
  custom: "custom",
};

/**
 * Turn a ZodError into API issues. The rule comes from `params.rule` (every
 * seed rule sets one) or, for zod's own checks, from the issue code. An
 * unknown field is reported on its own path so the user sees the typo.
 */
export function zodIssues(error: z.ZodError): ApiIssue[] {
  const out: ApiIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key], rule: "unknown_field", message: `unknown field "${key}"` });
      continue;
    }
    if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
      out.push({ path, rule: "discriminator", message: issue.message });
      continue;
    }
    const params = (issue as { params?: { rule?: unknown } }).params;
    const ruleId = typeof params?.rule === "string" ? params.rule : (RULE_BY_CODE[issue.code] ?? issue.code);
    out.push({ path, rule: ruleId, message: issue.message });
  }
  return out;
}

/** A readable one-line summary of issues, e.g. `voicemail.pin: voicemail PIN must be at least 4 digits`. */
export function formatIssues(issues: ApiIssue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
