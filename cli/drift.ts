/**
 * Drift audit, the pure half: turns what `pulumi preview --refresh --json` prints into
 * per-resource field differences, and formats them as a table, JSON or markdown.
 * Spawning the CLI lives in `./pulumi.ts`, so everything here is tested on captured
 * preview output (test/unit/cli/fixtures).
 *
 * What the preview JSON of CLI v3.259 gives us, and why we read it the way we do:
 * - `refresh` steps carry the state *before* the refresh in both oldState and newState,
 *   so they say nothing about the live values; they do list what the state held.
 * - `update` / `replace` steps carry the refreshed (live) state in `oldState` and the
 *   program's inputs in `newState.inputs`. Comparing those two is the drift.
 * - `detailedDiff` is null and `diffReasons` absent for dynamic providers: the Node.js
 *   dynamic-provider server never sends per-property diffs, so we compute them here,
 *   with the same "only what the program sets" rule as the pbx providers' `diff`.
 * - A resource deleted on the PBX is dropped by the refresh and comes back as `create`;
 *   a resource never deployed is also `create`, but has no `refresh` step.
 * - Secrets print as the string "[secret]" (even with --show-secrets), so a secret that
 *   changed is invisible: we can only say which secret fields may differ.
 */
import { isDeepStrictEqual } from "util";

/** What the engine prints in place of a secret value in `--json` output. */
export const SECRET = "[secret]";
/** Pulumi's signature key/value marking a secret when a value is serialized as an object. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's sentinel for a value not known until apply (e.g. the id of a resource yet to be created). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_TEXT = "(known after apply)";

/** One field whose program value and live value differ. Values are already masked. */
export interface FieldDrift {
  /** Property path, e.g. `voicemail.pin`, `destination.groupId`, `onNoAnswer[0].ringSeconds`. */
  path: string;
  /** The program's value (`"[secret]"` for secrets, `null` when unset). */
  program: unknown;
  /** The live value on the PBX (`"[secret]"` for secrets, `null` when unset). */
  live: unknown;
  /** True when the field is secret: both values are then `"[secret]"` and may or may not differ. */
  secret: boolean;
}

/**
 * How a resource differs:
 * - `changed`: fields differ (an in-place update would fix it);
 * - `replaced`: fields differ and fixing it replaces the object;
 * - `missing`: in the state, but deleted on the PBX;
 * - `new`: in the program, never deployed;
 * - `removed`: deployed, but no longer in the program.
 */
export type DriftKind = "changed" | "replaced" | "missing" | "new" | "removed";

/** One resource that differs between the program and the PBX. */
export interface ResourceDrift {
  urn: string;
  /** Short type, e.g. `pbx:User` (from `pulumi-nodejs:dynamic/pbx:User`). */
  type: string;
  /** The Pulumi resource name (last URN segment). */
  name: string;
  kind: DriftKind;
  /** Differing fields (empty for missing/new/removed). */
  fields: FieldDrift[];
}

/** The audit result of one stack. */
export interface StackDrift {
  stack: string;
  status: "clean" | "drift" | "error";
  resources: ResourceDrift[];
  /** Why the preview failed (status `error`): each distinct error once, one per line. */
  error?: string;
  /** The same errors, structured (absent when the CLI printed no diagnostics, e.g. an unknown stack). */
  errors?: DriftError[];
}

/** The audit of all stacks: what `--json` prints. */
export interface DriftReport {
  /** `clean`, `drift` (some stack drifted, none failed) or `error` (some stack could not be audited). */
  status: "clean" | "drift" | "error";
  stacks: StackDrift[];
}

interface PreviewState {
  type?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

interface PreviewStep {
  op: string;
  urn: string;
  oldState?: PreviewState;
  newState?: PreviewState;
  detailedDiff?: Record<string, unknown> | null;
}

/**
 * Resources that run a deployment rather than stand for a PBX object. ApplyChanges
 * digests the revisions of every pbx resource, so any change on the PBX, even to a
 * field the program leaves alone, shows it as an update "known after apply": listing
 * it would repeat the real drift, or invent some.
 */
const DEPLOYMENT_TYPES = new Set(["pbx:ApplyChanges", "pbx:ApplyGuard"]);

/**
 * Inputs that are plumbing, not PBX fields: Pulumi's serialized provider, and the pbx
 * resources' `adopt` and `ownerMark` (how a create behaves; the providers' diff ignores
 * them too, and a refresh does not read them back, so they would list as drift).
 */
const IGNORED_INPUTS = new Set(["__provider", "adopt", "ownerMark"]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for a secret as the preview JSON shows it (the "[secret]" string or the signature object). */
export function isSecret(v: unknown): boolean {
  return v === SECRET || (isPlainObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG);
}

/** The value with every nested secret replaced by "[secret]" and unknowns spelled out; `undefined` → `null`. */
export function mask(v: unknown): unknown {
  if (v === undefined) return null;
  if (isSecret(v)) return SECRET;
  if (v === UNKNOWN) return UNKNOWN_TEXT;
  if (Array.isArray(v)) return v.map(mask);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
  return v;
}

function join(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/**
 * The fields where the program's value differs from the live value. Only what the
 * program sets counts (keys it leaves out are not managed, as in the providers' diff).
 * Secret fields cannot be compared (both print "[secret]"); they are returned apart,
 * as do fields whose program value is not known until apply.
 */
export function diffFields(
  program: unknown,
  live: unknown,
  path = "",
): { visible: FieldDrift[]; uncomparable: FieldDrift[] } {
  const out = { visible: [] as FieldDrift[], uncomparable: [] as FieldDrift[] };
  if (program === undefined) return out;
  if (isSecret(program) || isSecret(live)) {
    // Never show the plaintext side of a secret: it would reveal (or hint at) the other side.
    if (live === undefined) out.visible.push({ path, program: SECRET, live: null, secret: true });
    else out.uncomparable.push({ path, program: SECRET, live: SECRET, secret: true });
    return out;
  }
  if (program === UNKNOWN) {
    out.uncomparable.push({ path, program: UNKNOWN_TEXT, live: mask(live), secret: false });
    return out;
  }
  const recurse = (entries: [string | number, unknown][], liveAt: (k: string | number) => unknown) => {
    for (const [k, v] of entries) {
      const sub = diffFields(v, liveAt(k), join(path, k));
      out.visible.push(...sub.visible);
      out.uncomparable.push(...sub.uncomparable);
    }
  };
  if (isPlainObject(program) && isPlainObject(live)) {
    recurse(
      Object.entries(program).filter(([k]) => !(path === "" && IGNORED_INPUTS.has(k))),
      (k) => live[k as string],
    );
  } else if (Array.isArray(program) && Array.isArray(live) && program.length === live.length) {
    recurse(program.map((v, i) => [i, v]), (i) => live[i as number]);
  } else if (!isDeepStrictEqual(program, live)) {
    out.visible.push({ path, program: mask(program), live: mask(live), secret: false });
  }
  return out;
}

/** `pulumi-nodejs:dynamic/pbx:User` → `pbx:User`; other types unchanged. */
export function shortType(type: string): string {
  return type.replace(/^pulumi-nodejs:dynamic\//, "");
}

function resourceOf(step: PreviewStep, kind: DriftKind, fields: FieldDrift[] = []): ResourceDrift {
  const type = step.newState?.type ?? step.oldState?.type ?? step.urn.split("::")[2] ?? "";
  return { urn: step.urn, type: shortType(type), name: step.urn.split("::").pop() ?? step.urn, kind, fields };
}

function fieldsOf(step: PreviewStep): FieldDrift[] {
  const old = step.oldState ?? {};
  // Refreshed inputs are the live values under the program's names; outputs fill in
  // fields a provider's read reports only as outputs.
  const live = { ...(old.outputs ?? {}), ...(old.inputs ?? {}) };
  const { visible, uncomparable } = diffFields(step.newState?.inputs ?? {}, live);
  // When nothing visible differs, the engine still found a change: it can only be in a
  // field we could not compare (a secret, or a value known after apply), so list those.
  const fields = visible.length > 0 ? visible : uncomparable;
  // A provider that reports per-property diffs names fields our comparison may miss (secrets).
  for (const path of Object.keys(step.detailedDiff ?? {})) {
    if (!fields.some((f) => f.path === path)) {
      const secret = uncomparable.find((f) => f.path === path && f.secret);
      fields.push(secret ?? { path, program: null, live: null, secret: false });
    }
  }
  return fields;
}

/**
 * One distinct error of a failed preview. The engine reports a provider error once per
 * resource (a missing `pbx:url` fails the read of all 23 resources of the office alike),
 * so errors are grouped by their text with the resource's own label taken out.
 */
export interface DriftError {
  /** The error, without the CLI's "error:" prefix and the engine's per-resource wrapping. */
  message: string;
  /** How many diagnostics said it (one per resource for a provider error). */
  count: number;
  /** The resources it was reported for (`pbx:User alice`), sorted; empty for a program-level error. */
  resources: string[];
}

/** How many resource names an error line lists before "and N more". */
const NAMES_SHOWN = 3;

/**
 * The text of a per-resource diagnostic with the parts that name the resource removed:
 * the engine's label of a check failure (`<type> resource '<name>': `), its "Preview
 * failed: " / "Refresh failed: " wrapper, and the provider's own label when it starts
 * with the resource's type (`User (id usr_…): `, `User "alice": `).
 */
function resourceMessage(message: string, urn: string): string {
  const [, , fullType = "", name = ""] = urn.split("::");
  const type = shortType(fullType);
  // A check failure: "pulumi-nodejs:dynamic/pbx:User resource 'louis': property role value …".
  const engineLabel = `${fullType} resource '${name}': `;
  let text = message.startsWith(engineLabel) ? message.slice(engineLabel.length) : message;
  text = text.replace(/^(preview|refresh|read|update|create|delete|diff|check) failed:\s*/i, "");
  const kind = type.split(":").pop() ?? "";
  if (kind && text.startsWith(kind + " ")) {
    const label = /^\S+ (\([^()]*\)|"[^"]*"): /.exec(text);
    if (label) text = text.slice(label[0].length);
  }
  return text;
}

/**
 * The distinct errors of a failed preview: its error diagnostics, grouped. The engine's
 * closing "preview failed" adds nothing when another error says why.
 */
export function errorsOf(diagnostics: unknown[]): DriftError[] {
  const groups = new Map<string, { count: number; resources: string[] }>();
  for (const d of diagnostics) {
    if (!isPlainObject(d) || d.severity !== "error") continue;
    // The CLI starts its messages with "error: "; the report says "error" itself.
    let message = String(d.message).trim().replace(/^error:\s*/gm, "");
    let resource: string | undefined;
    if (typeof d.urn === "string" && d.urn.includes("::")) {
      resource = `${shortType(d.urn.split("::")[2] ?? "")} ${d.urn.split("::").pop()}`;
      message = resourceMessage(message, d.urn);
    }
    const g = groups.get(message) ?? { count: 0, resources: [] };
    g.count += 1;
    if (resource && !g.resources.includes(resource)) g.resources.push(resource);
    groups.set(message, g);
  }
  if (groups.size > 1) groups.delete("preview failed");
  // The engine runs steps concurrently, so diagnostics arrive in any order: sort for stable reports.
  return [...groups]
    .map(([message, g]) => ({ message, count: g.count, resources: g.resources.sort() }))
    .sort((a, b) => a.message.localeCompare(b.message));
}

/** One error as a line of the report: the message once, and where it was reported. */
export function formatError(e: DriftError): string {
  if (e.resources.length === 1 && e.count === 1) return `${e.resources[0]}: ${e.message}`;
  if (e.resources.length === 0) return e.count > 1 ? `${e.message} (${e.count} times)` : e.message;
  const shown = e.resources.slice(0, NAMES_SHOWN).join(", ");
  const more = e.resources.length > NAMES_SHOWN ? `, and ${e.resources.length - NAMES_SHOWN} more` : "";
  return `${e.message} [${e.count} resources: ${shown}${more}]`;
}

/** Why a preview failed: its distinct errors, else the CLI's stderr. */
function errorOf(preview: unknown, stderr: string, exitCode: number): { error: string; errors?: DriftError[] } {
  const diags = isPlainObject(preview) && Array.isArray(preview.diagnostics) ? preview.diagnostics : [];
  const errors = errorsOf(diags);
  if (errors.length > 0) return { error: errors.map(formatError).join("\n"), errors };
  const text = stderr.trim() || `pulumi preview exited ${exitCode}`;
  return { error: text.replace(/^error:\s*/gm, "") };
}

/**
 * Reads one stack's `pulumi preview --refresh --json` result.
 * @param stack the stack name, for the report.
 * @param stdout what the CLI printed on stdout (the JSON document).
 * @param exitCode the CLI's exit code; non-zero makes the stack an error.
 * @param stderr what the CLI printed on stderr, used when stdout has no diagnostics.
 */
export function parsePreview(stack: string, stdout: string, exitCode: number, stderr = ""): StackDrift {
  let preview: unknown;
  try {
    preview = JSON.parse(stdout);
  } catch {
    preview = undefined;
  }
  if (exitCode !== 0 || !isPlainObject(preview) || !Array.isArray(preview.steps)) {
    return { stack, status: "error", resources: [], ...errorOf(preview, stderr, exitCode) };
  }
  const steps = preview.steps as PreviewStep[];
  const inState = new Set(steps.filter((s) => s.op === "refresh").map((s) => s.urn));
  const resources: ResourceDrift[] = [];
  for (const step of steps) {
    // Providers and the stack itself are Pulumi plumbing, not PBX objects; so are the
    // resources of `pbx.applyChangesOnce()`.
    if (step.urn.includes("::pulumi:providers:") || step.urn.includes("::pulumi:pulumi:Stack::")) continue;
    if (DEPLOYMENT_TYPES.has(shortType(step.urn.split("::")[2] ?? ""))) continue;
    switch (step.op) {
      case "update":
        resources.push(resourceOf(step, "changed", fieldsOf(step)));
        break;
      case "replace":
        resources.push(resourceOf(step, "replaced", fieldsOf(step)));
        break;
      case "create":
        resources.push(resourceOf(step, inState.has(step.urn) ? "missing" : "new"));
        break;
      case "delete":
        resources.push(resourceOf(step, "removed"));
        break;
      // refresh, same, read, and the create-replacement/delete-replaced halves of a replace
      // (the CLI lists the `replace` step itself) carry no difference of their own.
    }
  }
  // The engine runs steps concurrently, so their order varies from run to run; a stable
  // order keeps reports diffable (tickets, CI logs).
  resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn));
  return { stack, status: resources.length > 0 ? "drift" : "clean", resources };
}

/** Combines stack results: any error wins over drift, drift over clean. */
export function reportOf(stacks: StackDrift[]): DriftReport {
  const status = stacks.some((s) => s.status === "error")
    ? "error"
    : stacks.some((s) => s.status === "drift")
      ? "drift"
      : "clean";
  return { status, stacks };
}

/** The process exit code: 0 clean, 2 drift, 1 error. */
export function exitCodeOf(report: DriftReport): number {
  return { clean: 0, drift: 2, error: 1 }[report.status];
}

/** A value as the table and markdown show it: JSON text, secrets as [secret], unset as (unset). */
export function formatValue(v: unknown): string {
  if (v === SECRET) return SECRET;
  if (v === UNKNOWN_TEXT) return UNKNOWN_TEXT;
  if (v === null || v === undefined) return "(unset)";
  return JSON.stringify(v);
}

const KIND_TEXT: Record<Exclude<DriftKind, "changed" | "replaced">, { program: string; live: string }> = {
  missing: { program: "(exists)", live: "missing on the PBX" },
  new: { program: "(exists)", live: "not deployed yet" },
  removed: { program: "not in the program", live: "(exists)" },
};

/** One row per differing field (or per missing/new/removed resource). */
export function rowsOf(report: DriftReport): string[][] {
  const rows: string[][] = [];
  for (const s of report.stacks) {
    for (const r of s.resources) {
      const resource = `${r.type} ${r.name}`;
      if (r.kind === "changed" || r.kind === "replaced") {
        const note = r.kind === "replaced" ? " (replace)" : "";
        for (const f of r.fields) {
          // Both sides of a secret print as [secret]: we can only say it may differ.
          const live = formatValue(f.live) + (f.secret && f.live !== null ? " (secret, may differ)" : "");
          rows.push([s.stack, resource + note, f.path, formatValue(f.program), live]);
        }
        if (r.fields.length === 0) rows.push([s.stack, resource + note, "(unknown field)", "", ""]);
      } else {
        rows.push([s.stack, resource, "(resource)", KIND_TEXT[r.kind].program, KIND_TEXT[r.kind].live]);
      }
    }
  }
  return rows;
}

const HEADER = ["STACK", "RESOURCE", "FIELD", "PROGRAM", "LIVE"];

function summaryLines(report: DriftReport): string[] {
  const lines = report.stacks.map((s) =>
    s.status === "error"
      ? `${s.stack}: error: ${s.error}`
      : s.status === "drift"
        ? `${s.stack}: ${s.resources.length} resource(s) differ`
        : `${s.stack}: clean`,
  );
  return lines;
}

/** The default human output: an aligned table of differences, then one line per stack. */
export function formatTable(report: DriftReport): string {
  const rows = rowsOf(report);
  const out: string[] = [];
  if (rows.length > 0) {
    const all = [HEADER, ...rows];
    const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    for (const r of all) out.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd());
    out.push("");
  }
  out.push(...summaryLines(report));
  return out.join("\n") + "\n";
}

/** `--json`: the report itself, values masked (secrets are "[secret]", unset is null). */
export function formatJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

function mdCell(text: string): string {
  if (text === "") return "";
  // Backticks keep values literal; pipes and newlines would break the table row.
  return "`" + text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/`/g, "'") + "`";
}

/** `--markdown`: a heading, a table of differences and a list of stacks, for a ticket or PR comment. */
export function formatMarkdown(report: DriftReport): string {
  const drifted = report.stacks.filter((s) => s.status === "drift").length;
  const failed = report.stacks.filter((s) => s.status === "error").length;
  const title =
    report.status === "clean"
      ? `No drift in ${report.stacks.length} stack(s)`
      : `Drift in ${drifted} of ${report.stacks.length} stack(s)` + (failed > 0 ? `, ${failed} failed` : "");
  const out = [`## PBX drift audit: ${title}`, ""];
  const rows = rowsOf(report);
  if (rows.length > 0) {
    out.push("| Stack | Resource | Field | Program | Live |", "|---|---|---|---|---|");
    for (const [stack, resource, field, program, live] of rows) {
      out.push(`| ${stack} | ${mdCell(resource)} | ${mdCell(field)} | ${mdCell(program)} | ${mdCell(live)} |`);
    }
    out.push("");
  }
  for (const s of report.stacks) {
    if (s.status === "error") out.push(`- **${s.stack}**: error`, "", "```", s.error ?? "", "```");
    else out.push(`- **${s.stack}**: ${s.status === "drift" ? `${s.resources.length} resource(s) differ` : "clean"}`);
  }
  return out.join("\n") + "\n";
}
