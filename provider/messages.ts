/**
 * Errors as a person reads them in `pulumi up`: what failed, the field and the
 * rule, once; which setting to fix for an auth failure; never a token, never a
 * stack trace.
 */
import { PbxApiError, PbxAuthError, PbxConflictError, PbxValidationError } from "../sdk/errors";

/** The one-line explanation of an error from a driver (or anything else); `site` names the site of an auth failure. */
export function describeError(err: unknown, site?: string): string {
  if (err instanceof PbxValidationError && err.issues.length > 0) {
    return err.issues
      .map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${stripPath(i.message, i.path)} (rule: ${i.rule})`)
      .join("; ");
  }
  if (err instanceof PbxAuthError) {
    const where = site ? ` for site "${site}"` : "";
    // A driver that knows its own settings (Wazo: pbx:username / pbx:password) says which.
    if (/pbx:/.test(err.message)) return `${detailOf(err)}${where}`;
    const what = err.status === 403 ? "the PBX refused access to this site with the configured credentials" : "the PBX did not accept the configured credentials";
    const entry = site ? `pbx:sites.${site}.token` : "the site's entry in pbx:sites";
    return `${what}${where} (HTTP ${err.status}): check pbx:token (or PBX_TOKEN), or ${entry}`;
  }
  if (err instanceof PbxConflictError) {
    return `${detailOf(err)} (rule: ${ruleOf(err) ?? "unique"})`;
  }
  if (err instanceof PbxApiError) {
    return `${detailOf(err)} (${err.status === 0 ? err.code : `HTTP ${err.status}`})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The server's own words, without the request line the client puts in front. */
function detailOf(err: PbxApiError): string {
  const body = err.body as { error?: { message?: unknown } } | undefined;
  const message = body?.error?.message;
  if (typeof message === "string" && message) return message;
  const m = / → [^:]+: (.*)$/s.exec(err.message);
  return m ? m[1] : err.message;
}

function ruleOf(err: PbxApiError): string | undefined {
  const body = err.body as { error?: { issues?: Array<{ rule?: unknown }> } } | undefined;
  const rule = body?.error?.issues?.[0]?.rule;
  return typeof rule === "string" ? rule : undefined;
}

/** Issue messages that repeat their own path ("position: position must …") say it once. */
function stripPath(message: string, path: Array<string | number>): string {
  const prefix = `${path.join(".")}: `;
  return path.length && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/**
 * An error the engine prints as it is. The dynamic-provider host logs
 * `${error}: ${error.stack}`; with these, that line reads
 * `pulumi-pbx: <message>` instead of the class name twice and a stack trace.
 */
export function providerError(message: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  Object.defineProperty(e, "stack", { value: message, enumerable: false, writable: true });
  Object.defineProperty(e, "toString", { value: () => "pulumi-pbx", enumerable: false });
  return e;
}
