/**
 * `/sites/{site}/import/users`: the XiVO pipe-separated CSV bulk import (seed 002).
 */
import { ImportResult, ImportResultSchema } from "../../../schemas/system";
import { SiteContext, pathOf } from "./context";
import { CreateOptions } from "./collection";

/**
 * Imports users from XiVO CSV text, all or nothing. A bad row fails the whole
 * import with a {@link PbxValidationError} whose issues are `[row, column]`.
 */
export function importUsers(ctx: SiteContext, csvText: string, options: CreateOptions = {}): Promise<ImportResult> {
  return ctx.core.request({
    method: "POST",
    path: pathOf(ctx.sitePath, "import", "users"),
    body: csvText,
    contentType: "text/csv",
    schema: ImportResultSchema,
    idempotencyKey: options.idempotencyKey,
  });
}
