/**
 * Telling "an earlier attempt already did it" from a real failure, for calls
 * whose retry cannot carry an Idempotency-Key (the API honours it on POST only).
 * Used through `RequestSpec.recover`, which only runs when an earlier attempt
 * of the same call may have reached the server.
 */
import { PbxApiError, PbxNotFoundError, PbxPreconditionFailedError } from "../../../errors";

/** A DELETE retried after a lost response finds the object gone: that is success. */
export async function goneIsDone(error: PbxApiError): Promise<{ value: undefined } | undefined> {
  return error instanceof PbxNotFoundError ? { value: undefined } : undefined;
}

/**
 * A write with If-Match retried after a lost response meets a 412, because the
 * first attempt already bumped the revision. It was ours when the object moved
 * exactly one revision past `ifMatch` and now holds what we sent.
 */
export function staleBecauseOfUs<T extends { revision: number }>(
  ifMatch: number | string | undefined,
  sent: unknown,
  readBack: () => Promise<T>,
): (error: PbxApiError) => Promise<{ value: T } | undefined> {
  return async (error) => {
    const expected = ifMatch === undefined ? NaN : Number(String(ifMatch).replace(/^W\//, "").replace(/"/g, ""));
    if (!(error instanceof PbxPreconditionFailedError) || Number.isNaN(expected)) return undefined;
    // A read that fails proves nothing: report the 412 as it came.
    const current = await readBack().catch(() => undefined);
    return current && current.revision === expected + 1 && holds(current, sent) ? { value: current } : undefined;
  };
}

/**
 * A create-only PUT (`If-None-Match: *`) retried after a lost response meets a
 * 412, because the first attempt made the object. It was ours when the object
 * now holds what we sent.
 */
export function createdBecauseOfUs<T>(sent: unknown, readBack: () => Promise<T>): (error: PbxApiError) => Promise<{ value: T } | undefined> {
  return async (error) => {
    if (!(error instanceof PbxPreconditionFailedError)) return undefined;
    const current = await readBack().catch(() => undefined);
    return current !== undefined && holds(current, sent) ? { value: current } : undefined;
  };
}

/**
 * True when `actual` has every value `sent` sets. Objects compare field by
 * field, also inside arrays (the server adds ids, nulls and defaults); a field
 * the response does not have is write-only (a portal password) and cannot be
 * compared, so it is skipped.
 */
export function holds(actual: unknown, sent: unknown): boolean {
  if (Array.isArray(sent) && Array.isArray(actual)) {
    return sent.length === actual.length && sent.every((v, i) => holds(actual[i], v));
  }
  if (isPlainObject(sent) && isPlainObject(actual)) {
    return Object.entries(sent).every(([k, v]) => v === undefined || !(k in actual) || holds(actual[k], v));
  }
  return JSON.stringify(actual) === JSON.stringify(sent);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
