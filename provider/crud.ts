/**
 * Create / read / update / delete as every pbx resource does them; each resource
 * supplies an adapter that speaks its part of the API.
 *
 * - create fails clearly when the natural key already exists, unless `adopt`;
 *   with `adopt` it takes the object over and makes it match the program.
 * - every write waits for the site's shared apply (seed 000: Save + Apply changes).
 * - read returns the live object, or no id when it is gone (refresh drops it).
 * - update sends only what the program sets, with If-Match on the last known
 *   revision, so a console edit since the last refresh is not silently overwritten.
 * - delete of a missing object is already done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PbxClient } from "../sdk/drivers/apiv1/client";
import { PbxConflictError, PbxNotFoundError, PbxPreconditionFailedError } from "../sdk/errors";
import { DiffSpec, diffManaged, withoutProvider } from "./framework";
import { applied, clientFor } from "./runtime";

/** The API side of one resource kind. `Args` are checked inputs, `Api` the object the PBX returns. */
export interface Adapter<Args extends { site: string; adopt?: boolean }, Api> {
  /** Resource kind in messages ("User"). */
  kind: string;
  /** The natural key in words ("extension 1001"). */
  naturalKey(args: Args): string;
  diff: DiffSpec;
  /** Creates the object; throws PbxConflictError (or AlreadyExists) when the natural key is taken. */
  create(client: PbxClient, args: Args): Promise<Api>;
  /** The object holding the natural key, for adopt. */
  find(client: PbxClient, args: Args): Promise<Api | undefined>;
  get(client: PbxClient, id: string, props: Record<string, any>): Promise<Api>;
  update(client: PbxClient, id: string, args: Args, revision: number | undefined): Promise<Api>;
  remove(client: PbxClient, id: string, props: Record<string, any>): Promise<void>;
  idOf(api: Api): string;
  /** The input names; `read` returns these of the live object as the refreshed inputs. */
  inputKeys: readonly string[];
  /** Outputs from the live object; `known` are the inputs or previous outputs (for write-only fields). */
  toOutputs(api: Api, known: Record<string, any>): Record<string, any>;
}

/**
 * Thrown by adapters whose API creates with PUT (function keys, forwarding): PUT
 * would silently replace what is there, so they look first and report the holder.
 */
export class AlreadyExists extends Error {
  constructor(readonly existing: { id: string; type: string }) {
    super(`${existing.type} ${existing.id} already exists`);
  }
}

/**
 * The write was saved but the apply failed: an "initialization failure" to the
 * engine, which then records the object (id and outputs) instead of forgetting
 * it, and the next `pulumi up` updates it, which applies again. Without this, the
 * saved object would block the next create with a conflict.
 */
function notApplied(kind: string, key: string, id: string, outs: Record<string, unknown>, err: unknown): Error {
  const reason = `${kind} (${key}) was saved on the PBX but applying the changes failed: ${err instanceof Error ? err.message : String(err)}. The next \`pulumi up\` applies it again.`;
  return Object.assign(new Error(reason), { id, properties: outs, reasons: [reason] });
}

function contextError(kind: string, key: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new Error(`${kind} (${key}): ${message}`);
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/** The API body of checked inputs: without `site` and `adopt` (and the path's own fields, e.g. `userId`). */
export function apiBody<A extends { site: string; adopt?: boolean }, K extends keyof A = never>(args: A, ...inPath: K[]): Omit<A, "site" | "adopt" | K> {
  const omit = new Set<PropertyKey>(["site", "adopt", ...inPath]);
  return Object.fromEntries(Object.entries(args).filter(([k]) => !omit.has(k))) as Omit<A, "site" | "adopt" | K>;
}

/**
 * Outputs of a live object: everything but the bookkeeping that changes without
 * the object changing (`applied` flips on apply, timestamps), which would show as
 * drift on every refresh.
 */
export function liveOutputs<T extends { id: string; applied: boolean; createdAt: string; updatedAt: string }>(api: T): Record<string, any> {
  const { id: _i, applied: _a, createdAt: _c, updatedAt: _u, ...rest } = api;
  return rest;
}

export function crudOps<Args extends { site: string; adopt?: boolean }, Api>(a: Adapter<Args, Api>) {
  return {
    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
      return diffManaged(olds, news, a.diff);
    },

    async create(inputs: Args): Promise<pulumi.dynamic.CreateResult> {
      const args = withoutProvider(inputs);
      const key = a.naturalKey(args);
      const client = await clientFor(args.site);
      let api: Api;
      try {
        api = await a.create(client, args);
      } catch (err) {
        if (!(err instanceof PbxConflictError || err instanceof AlreadyExists)) throw contextError(a.kind, key, err);
        const existing = await a.find(client, args);
        // A conflict on another rule (the same key twice on one user) is not ours to adopt.
        if (!existing) throw contextError(a.kind, key, err);
        if (!args.adopt) {
          const holder = err.existing?.id ? ` (${err.existing.type ?? a.kind} ${err.existing.id})` : "";
          throw new Error(
            `${a.kind} (${key}): ${key} already exists on site "${args.site}"${holder}. ` +
              `Set adopt: true to take the existing object over, or choose another ${key.split(" ")[0]}.`,
          );
        }
        const rev = (existing as { revision?: number }).revision;
        api = await a.update(client, a.idOf(existing), args, rev).catch((e) => { throw contextError(a.kind, key, e); });
      }
      const id = a.idOf(api);
      const outs = a.toOutputs(api, args);
      await applied(args.site).catch((e) => { throw notApplied(a.kind, key, id, outs, e); });
      return { id, outs };
    },

    async read(id: string, state: Record<string, any>): Promise<pulumi.dynamic.ReadResult> {
      const props = withoutProvider(state);
      const client = await clientFor(props.site);
      let api: Api;
      try {
        api = await a.get(client, id, props);
      } catch (err) {
        if (err instanceof PbxNotFoundError) return {}; // gone: refresh drops it, up recreates it
        throw err;
      }
      const outs = a.toOutputs(api, props);
      const inputs = Object.fromEntries(a.inputKeys.filter((k) => outs[k] !== undefined).map((k) => [k, outs[k]]));
      return { id, props: outs, inputs };
    },

    async update(id: string, olds: Record<string, any>, inputs: Args): Promise<pulumi.dynamic.UpdateResult> {
      const news = withoutProvider(inputs);
      const key = a.naturalKey(news);
      const client = await clientFor(news.site);
      let api: Api;
      try {
        api = await a.update(client, id, news, olds.revision);
      } catch (err) {
        if (err instanceof PbxPreconditionFailedError) {
          throw new Error(
            `${a.kind} (${key}) was changed on the PBX since Pulumi last read it; ` +
              `run \`pulumi up --refresh\` to review that change and apply the program over it.`,
          );
        }
        throw contextError(a.kind, key, err);
      }
      const outs = a.toOutputs(api, news);
      await applied(news.site).catch((e) => { throw notApplied(a.kind, key, id, outs, e); });
      return { outs };
    },

    async delete(id: string, state: Record<string, any>): Promise<void> {
      const props = withoutProvider(state);
      const client = await clientFor(props.site);
      try {
        await a.remove(client, id, props);
      } catch (err) {
        if (err instanceof PbxNotFoundError) return; // already deleted
        throw contextError(a.kind, a.naturalKey(props as Args), err);
      }
      await applied(props.site);
    },
  };
}
