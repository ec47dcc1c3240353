/**
 * What the five resources share: the serialized provider object, managed-field
 * diffing, and turning schema problems into CheckFailures.
 *
 * Closure serialization: Pulumi serializes the provider object of every resource
 * into the state (`__provider`) and evaluates it in the dynamic-provider process.
 * Capturing the sdk, zod schemas or clients would serialize them by value (large,
 * and stateful), so each method only captures the module path of its resource and
 * loads it there by package name, from the program's node_modules.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { zodIssues } from "../sdk/schemas/error";

type CheckResult = pulumi.dynamic.CheckResult;
type CheckFailure = pulumi.dynamic.CheckFailure;
type DiffResult = pulumi.dynamic.DiffResult;

/** The operations a resource module exports as `ops`; they run in the provider process. */
export interface ResourceOps {
  check(olds: any, news: any): Promise<CheckResult>;
  diff(id: string, olds: any, news: any): Promise<DiffResult>;
  create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: any): Promise<void>;
}

/**
 * The provider object for one resource type. `modulePath` is the package subpath
 * (`pulumi-pbx/provider/resources/user`) whose `ops` implement it.
 */
export function makeProvider(modulePath: string): pulumi.dynamic.ResourceProvider {
  const ops = (): ResourceOps => require(modulePath).ops;
  return {
    configure: (req) => require("pulumi-pbx/provider/runtime").configure(req.config),
    check: (olds, news) => ops().check(olds, news),
    diff: (id, olds, news) => ops().diff(id, olds, news),
    create: (inputs) => ops().create(inputs),
    read: (id, props) => ops().read(id, props),
    update: (id, olds, news) => ops().update(id, olds, news),
    delete: (id, props) => ops().delete(id, props),
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * True when everything `want` sets equals `have`: object keys `want` leaves unset
 * are not managed and never differ (DESIGN: no perpetual diffs), arrays compare
 * element by element.
 */
export function matchesManaged(want: unknown, have: unknown): boolean {
  if (want === undefined) return true;
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => matchesManaged(w, have[i]));
  }
  if (isPlainObject(want)) {
    return isPlainObject(have) && Object.entries(want).every(([k, w]) => matchesManaged(w, have[k]));
  }
  return want === have;
}

/**
 * Inputs that steer the provider, not the PBX: whether to adopt, the owner mark
 * of what a resource creates, and whether its writes wait for their own apply.
 * Never sent to the PBX, never validated by the API schemas, never diffed.
 */
export const STEERING_INPUTS = ["adopt", "ownerMark", "applyMode"] as const;

export interface DiffSpec {
  /** Fields whose change replaces the object (identity: site, number, userId, …). */
  replaceOn: string[];
  /** Replace by deleting first, because the new object would clash on a unique key. */
  deleteBeforeReplace?: boolean;
  /** Inputs that steer the provider, not the PBX (e.g. `adopt`). */
  ignore?: string[];
}

/** Diff of the fields the program sets against the last known live values (`olds` are outputs). */
export function diffManaged(olds: Record<string, unknown>, news: Record<string, unknown>, spec: DiffSpec): DiffResult {
  const ignore = new Set([...STEERING_INPUTS, ...(spec.ignore ?? [])]);
  const changed = Object.keys(news).filter((k) => !ignore.has(k) && !matchesManaged(news[k], olds[k]));
  const replaces = changed.filter((k) => spec.replaceOn.includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    stables: spec.replaceOn.filter((k) => !replaces.includes(k)),
    deleteBeforeReplace: replaces.length > 0 && spec.deleteBeforeReplace === true,
  };
}

/**
 * One CheckFailure per problem, naming the property path and the rule: the
 * API's rule ids (sdk/schemas/error.ts), never zod's own codes.
 */
export function failuresFrom(error: z.ZodError): CheckFailure[] {
  return zodIssues(error).map((issue) => {
    const property = issue.path.map(String).join(".") || "(inputs)";
    const prefix = `${property}: `;
    const message = issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message;
    return { property, reason: `${property}: ${message} (rule: ${issue.rule})` };
  });
}

/**
 * Validates and normalises inputs with `schema`; `extra` adds checks that need
 * settings. The checked inputs keep only what the program set (normalised, e.g.
 * E.164 spacing removed): schema defaults are the PBX's business, and a field the
 * program leaves unset stays unmanaged.
 */
export function checkWith<T>(schema: z.ZodType<T>, news: unknown, extra: (value: T) => CheckFailure[] = () => []): CheckResult {
  const given = dropUndefined(withoutProvider(news));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    // During preview, values computed by other resources (a new user's id) are not
    // known yet; they are checked again with their values at `up`.
    const unknowns = unknownPaths(given);
    // An issue at or under an unknown value, or on a list/object holding one (a
    // uniqueness rule over two unknown ids), may vanish once the values are known.
    const related = (a: readonly PropertyKey[], b: readonly string[]) =>
      a.slice(0, b.length).every((seg, n) => String(seg) === b[n]) || b.slice(0, a.length).every((seg, n) => seg === String(a[n]));
    const issues = parsed.error.issues.filter((i) => !unknowns.some((u) => related(i.path, u)));
    if (issues.length === 0) return { inputs: given, failures: [] };
    return { inputs: news, failures: failuresFrom({ issues } as z.ZodError) };
  }
  const failures = extra(parsed.data);
  return { inputs: keepGiven(parsed.data, given), failures };
}

/** The value the engine sends for an input that is not known yet (a preview of a new resource's output). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Paths of the unknown values inside `value`. */
export function unknownPaths(value: unknown, at: string[] = []): string[][] {
  if (value === UNKNOWN) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, [...at, String(i)]));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, [...at, k]));
  return [];
}

/** The parsed value restricted to the object keys present in `given`. */
export function keepGiven<T>(parsed: T, given: unknown): T {
  if (isPlainObject(parsed) && isPlainObject(given)) {
    return Object.fromEntries(
      Object.keys(given).filter((k) => k in parsed).map((k) => [k, keepGiven(parsed[k], given[k])]),
    ) as T;
  }
  if (Array.isArray(parsed) && Array.isArray(given) && parsed.length === given.length) {
    return parsed.map((p, i) => keepGiven(p, given[i])) as T;
  }
  return parsed;
}

/** Inputs without `__provider`, the serialized provider the engine adds to every dynamic resource's inputs. */
export function withoutProvider<T>(inputs: T): T {
  const { __provider: _provider, ...rest } = (inputs ?? {}) as Record<string, unknown>;
  return rest as T;
}

/** Removes undefined members (Pulumi drops them anyway; zod defaults must not see them). */
export function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, dropUndefined(v)]),
    ) as T;
  }
  return value;
}
