/**
 * Create / read / update / delete as every pbx resource does them, through the
 * site's driver (sdk/drivers): the provider never knows which PBX it talks to
 * beyond the driver's declared capabilities.
 *
 * - create fails clearly when the natural key already exists, unless `adopt`;
 *   with `adopt` it takes the object over, writing only if it differs.
 * - every write waits for the site's shared apply when the PBX has an apply step
 *   (seed 000: Save + Apply changes).
 * - read returns the live object, or no id when it is gone (refresh drops it);
 *   as inputs, only the fields the program manages.
 * - update sends only what the program sets, with If-Match on the last known
 *   revision where the PBX has revisions, so a console edit since the last
 *   refresh is not silently overwritten.
 * - delete of a missing object is already done.
 */
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { PbxConflictError, PbxNotFoundError, PbxPreconditionFailedError } from "../sdk/errors";
import type { InputOf, Kind, KindDriver, ModelOf, NaturalKeys } from "../sdk/drivers/driver";
import { kindDriver } from "../sdk/drivers/driver";
import { bulkGet, invalidate } from "./bulkReads";
import { DiffSpec, STEERING_INPUTS, diffManaged, matchesManaged, withoutProvider } from "./framework";
import { describeError, providerError } from "./messages";
import { applied, deleteApplied, driverFor } from "./runtime";

/** Checked inputs: what the program set, plus the site. */
type Args = { site: string; adopt?: boolean };
/** Inputs the provider adds: see STEERING_INPUTS. */
type Steering = { ownerMark?: string; applyMode?: "deferred" };

/** How one resource kind maps its checked inputs to the driver's model. */
export interface Adapter<K extends Kind, A extends Args> {
  /** The driver's kind. */
  kind: K;
  /** Resource type in messages ("User"). */
  type: string;
  /** The natural key in words ("extension 1001"). */
  naturalKey(args: A): string;
  /** The natural key as the driver looks it up. */
  key(args: A): NaturalKeys[K];
  /** The driver input of checked inputs (only what the program set). */
  input(args: A): InputOf[K];
  diff: DiffSpec;
  /** The input names; `read` returns those the program manages as the refreshed inputs. */
  inputKeys: readonly string[];
  /** Outputs from the live object; `known` are the inputs or previous outputs (for write-only fields). */
  toOutputs?(model: ModelOf[K], known: Record<string, any>): Record<string, any>;
}

/**
 * The output that records which inputs the program set (dotted paths), so that
 * `read` returns those and only those as the refreshed inputs: a field the
 * program never set would otherwise read as a removal in `preview --diff`.
 */
export const MANAGED = "managedFields";

/**
 * Dotted paths of the leaves the program set. A list is managed whole; for a
 * list of objects the keys its elements set are recorded too (`onBusy[].number`),
 * so the refreshed list holds those keys only, not the PBX's defaults.
 */
export function managedPaths(value: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    if (!prefix && (STEERING_INPUTS as readonly string[]).includes(k)) return [];
    const path = prefix + k;
    if (Array.isArray(v)) {
      const keys = new Set(v.flatMap((e) => (typeof e === "object" && e !== null && !Array.isArray(e) ? Object.keys(e) : [])));
      return [path, ...[...keys].map((key) => `${path}[].${key}`)];
    }
    return typeof v === "object" && v !== null ? managedPaths(v as Record<string, unknown>, `${path}.`) : [path];
  });
}

/** `value` restricted to the dotted `paths` (see {@link managedPaths}). */
export function pickPaths(value: Record<string, any>, paths: readonly string[]): Record<string, any> {
  const out: Record<string, any> = {};
  const elementKeys = new Map<string, string[]>();
  for (const path of paths) {
    const m = /^(.*)\[\]\.([^.]+)$/.exec(path);
    if (m) elementKeys.set(m[1], [...(elementKeys.get(m[1]) ?? []), m[2]]);
  }
  for (const path of paths) {
    if (path.includes("[]")) continue;
    const parts = path.split(".");
    let src: any = value;
    for (const p of parts) src = src === undefined || src === null ? undefined : src[p];
    if (src === undefined) continue;
    const keys = elementKeys.get(path);
    if (keys && Array.isArray(src)) {
      src = src.map((e) => (typeof e === "object" && e !== null ? Object.fromEntries(keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]])) : e));
    }
    let dst = out;
    for (const p of parts.slice(0, -1)) dst = dst[p] ??= {};
    dst[parts[parts.length - 1]] = src;
  }
  return out;
}

/**
 * The write was saved but the apply failed: an "initialization failure" to the
 * engine, which then records the object (id and outputs) instead of forgetting
 * it, and the next `pulumi up` updates it, which applies again. Without this, the
 * saved object would block the next create with a conflict.
 */
function notApplied(type: string, key: string, id: string, outs: Record<string, unknown>, err: unknown): Error {
  const reason = `${type} (${key}) was saved on the PBX but applying the changes failed: ${describeError(err)}. The next \`pulumi up\` applies it again.`;
  return Object.assign(providerError(reason, err), { id, properties: outs, reasons: [reason] });
}

function contextError(type: string, key: string, err: unknown, site?: string): Error {
  return providerError(`${type} (${key}): ${describeError(err, site)}`, err);
}

export function crudOps<K extends Kind, A extends Args>(a: Adapter<K, A>) {
  const outputsOf = (m: ModelOf[K], known: Record<string, any>, args: Record<string, unknown>) => {
    const { id: _id, ...rest } = (a.toOutputs ? a.toOutputs(m, known) : m) as Record<string, any>;
    // The steering inputs ride along in the outputs, so `read` hands them back as
    // inputs and a refresh does not show them as added.
    const steering = Object.fromEntries(["ownerMark", "applyMode"].filter((k) => known[k] !== undefined).map((k) => [k, known[k]]));
    // `revision` is always present (null on PBXs without revisions): an output missing from
    // the state reads as unknown in a preview, which would make ApplyChanges' digest unknown.
    return { ...rest, revision: rest.revision ?? null, site: known.site, ...steering, [MANAGED]: managedPaths(args) };
  };
  const forSite = async (site: string): Promise<KindDriver<K>> => kindDriver(await driverFor(site), a.kind);

  return {
    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
      return diffManaged(olds, news, a.diff);
    },

    async create(inputs: A & Steering): Promise<pulumi.dynamic.CreateResult> {
      const { ownerMark, applyMode, ...args } = withoutProvider(inputs);
      const key = a.naturalKey(args as A);
      const d = await forSite(args.site).catch((e) => { throw contextError(a.type, key, e, args.site); });
      const input = a.input(args as A);
      const takeOver = (existing: ModelOf[K]): Promise<ModelOf[K]> =>
        // Adopt (or taking back what an interrupted run made) writes only when the live object differs.
        matchesManaged(input, existing)
          ? Promise.resolve(existing)
          : d.update(d.idOf(existing), input, { ifMatch: existing.revision }).catch((e) => { throw contextError(a.type, key, e, args.site); });
      let m: ModelOf[K];
      // With adopt, look first: an object that is there is taken over without a refused create.
      const adopted = args.adopt ? await d.find(a.key(args as A)).catch((e) => { throw contextError(a.type, key, e, args.site); }) : undefined;
      if (adopted) m = await takeOver(adopted);
      else try {
        m = await d.create(input, { ownerMark, idempotencyKey: ownerMark && idempotencyKeyOf(ownerMark, a.kind, input) });
      } catch (err) {
        if (!(err instanceof PbxConflictError)) throw contextError(a.type, key, err, args.site);
        const existing = await d.find(a.key(args as A)).catch((e) => { throw contextError(a.type, key, e); });
        // A conflict on another rule (the same key twice on one user) is not ours to adopt.
        if (!existing) throw contextError(a.type, key, err);
        if (!args.adopt && !isOurs(a.kind, d, existing, ownerMark, input)) {
          const holder = err.existing?.id ? ` (${err.existing.type ?? a.type} ${err.existing.id})` : "";
          throw providerError(
            `${a.type} (${key}): ${key} already exists on site "${args.site}"${holder}. ` +
              `Set adopt: true to take the existing object over, or choose another ${key.split(" ")[0]}.`,
          );
        }
        m = await takeOver(existing);
      }
      const id = d.idOf(m);
      invalidate(args.site, a.kind, id);
      const outs = outputsOf(m, { ...args, ownerMark, applyMode }, args);
      if (applyMode !== "deferred") await applied(args.site).catch((e) => { throw notApplied(a.type, key, id, outs, e); });
      return { id, outs };
    },

    async read(id: string, state: Record<string, any>): Promise<pulumi.dynamic.ReadResult> {
      const props = withoutProvider(state);
      let m: ModelOf[K];
      try {
        m = await bulkGet(props.site, a.kind, await forSite(props.site), id);
      } catch (err) {
        if (err instanceof PbxNotFoundError) return {}; // gone: refresh drops it, up recreates it
        throw contextError(a.type, `id ${id}`, err, props.site);
      }
      const managed: readonly string[] = Array.isArray(props[MANAGED]) ? props[MANAGED] : a.inputKeys;
      const outs = { ...outputsOf(m, props, {}), [MANAGED]: managed };
      const steering = Object.fromEntries(["ownerMark", "applyMode", "adopt"].filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
      const inputs = { ...pickPaths(outs, managed), site: props.site, ...steering };
      return { id, props: outs, inputs };
    },

    async update(id: string, olds: Record<string, any>, inputs: A & Steering): Promise<pulumi.dynamic.UpdateResult> {
      const news = withoutProvider(inputs);
      const key = a.naturalKey(news);
      let m: ModelOf[K];
      try {
        const d = await forSite(news.site);
        invalidate(news.site, a.kind, id);
        m = await d.update(id, a.input(news), { ifMatch: olds.revision });
      } catch (err) {
        if (err instanceof PbxPreconditionFailedError) {
          throw providerError(
            `${a.type} (${key}) was changed on the PBX since Pulumi last read it; ` +
              `run \`pulumi up --refresh\` to review that change and apply the program over it.`,
          );
        }
        throw contextError(a.type, key, err, news.site);
      }
      const outs = outputsOf(m, news, news);
      if (news.applyMode !== "deferred") await applied(news.site).catch((e) => { throw notApplied(a.type, key, id, outs, e); });
      return { outs };
    },

    async delete(id: string, state: Record<string, any>): Promise<void> {
      const props = withoutProvider(state);
      const key = a.naturalKey(props as A);
      try {
        invalidate(props.site, a.kind, id);
        await (await forSite(props.site)).delete(id);
      } catch (err) {
        if (err instanceof PbxNotFoundError) return; // already deleted
        throw contextError(a.type, key, err, props.site);
      }
      await deleteApplied(props.site).catch((e) => { throw contextError(a.type, key, e); });
    },
  };
}

/**
 * An idempotency key derived from the resource's owner mark and its inputs: a
 * create re-sent by a later run (its first answer lost) with the same inputs
 * replays on a PBX that honours keys, instead of meeting its own object as a
 * conflict.
 */
export function idempotencyKeyOf(ownerMark: string, kind: Kind, input: unknown): string {
  return `${ownerMark}:${crypto.createHash("sha256").update(`${kind}\u0000${canonicalJson(input)}`).digest("hex").slice(0, 32)}`;
}

/** JSON with object keys sorted, so equal inputs give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether an object holding our natural key is one this resource made in an
 * interrupted run: it carries our owner mark (PBXs that keep one), or — for the
 * kinds that are a slot of a user (a key position, a forwarding), which have no
 * identity beyond their content — it holds exactly what the program asks for.
 */
function isOurs<K extends Kind>(kind: K, d: KindDriver<K>, existing: ModelOf[K], ownerMark: string | undefined, input: InputOf[K]): boolean {
  if (ownerMark && d.ownerMarkOf?.(existing) === ownerMark) return true;
  return (kind === "functionKey" || kind === "forwarding") && matchesManaged(input, existing);
}

/** The driver body of checked inputs: without `site` and `adopt`. */
export function withoutSite<A extends Args>(args: A): Omit<A, "site" | "adopt"> {
  const { site: _s, adopt: _a, ownerMark: _o, applyMode: _m, ...rest } = args as A & Steering;
  return rest as Omit<A, "site" | "adopt">;
}
