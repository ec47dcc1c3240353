/**
 * Our description of the Wazo Platform operations the wazo driver uses:
 * confd 1.1 (users, lines, SIP endpoints, extensions, voicemails, incalls,
 * groups, function keys, forwards, fallbacks, services, contexts, CSV import)
 * and wazo-auth 0.1 (tokens, tenants, users). Written by us from reading
 * wazo-platform/wazo-confd and wazo-auth; their files are GPL-3.0 and are not
 * copied here.
 *
 * ```ts
 * import { matchOperation, validateRequest } from "pulumi-pbx/sdk/drivers/wazo/spec";
 * matchOperation("PUT", "/api/confd/1.1/users/42/funckeys/3"); // → updateUserFuncKey, { user_id: "42", position: "3" }
 * validateRequest("POST", "/api/confd/1.1/users", { lastname: "x" }); // → firstname: Missing data for required field.
 * ```
 */
export * from "./operations";
export * from "./validate";
export * as schemas from "./schemas";
export { MSG } from "./fields";
