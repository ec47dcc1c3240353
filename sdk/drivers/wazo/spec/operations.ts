/**
 * The Wazo operations the wazo driver uses, as data: one entry per
 * operation (method, path, parameters, body, answers), in the manner of
 * zodios endpoint tables. The emulator serves exactly these; the driver's
 * tests check every request against them.
 *
 * Paths are relative to the service's base: confd `/api/confd/1.1`, wazo-auth
 * `/api/auth/0.1` (as a Wazo stack's nginx exposes them).
 *
 * Conventions of confd 1.1 this table records (from `helpers/restful.py`,
 * `helpers/common.py`, the plugins' `resource.py`):
 * - POST answers 201 with the object; PUT and DELETE answer 204 with no body
 *   (associations too); `GET` of a collection answers `{items, total}`;
 * - errors are a JSON list of strings: 400 `Input Error - …` / `Resource
 *   Error - …`, 404 `Resource Not Found - …`; 401 when the token is missing
 *   or invalid;
 * - the tenant comes from the `Wazo-Tenant` header (default: the token's
 *   tenant); objects of another tenant answer 404.
 */
import { z } from "zod";
import { int, looseBool, oneOf, str } from "./fields";
import * as s from "./schemas";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type WazoApi = "confd" | "auth";

/** One operation of Wazo's API, as we describe it. */
export interface WazoOperation {
  /** Our name for it (camelCase of Wazo's operationId where there is one). */
  id: string;
  api: WazoApi;
  method: HttpMethod;
  /** Path template relative to the API base, parameters in braces: `/users/{user_id}`. */
  path: string;
  summary: string;
  pathParams?: z.ZodObject;
  query?: z.ZodType;
  /** The request body Wazo reads; absent: the operation takes none (any body is ignored). */
  body?: z.ZodType;
  /** Media type of the body. Default `application/json`. */
  contentType?: "application/json" | "text/csv";
  /** `token`: `X-Auth-Token`; `basic`: HTTP Basic (wazo-auth `POST /token`); `none`. */
  auth: "token" | "basic" | "none";
  /** Whether the `Wazo-Tenant` header scopes the operation. */
  tenant: boolean;
  /** Answers by status: a schema of the body, or `null` for no body. */
  responses: Record<number, z.ZodType | null>;
  /** The vendor files read to describe it (wazo-platform/wazo-confd or wazo-auth, at the mirrored commit). */
  sources: readonly string[];
}

// ---------------------------------------------------------------------------
// Parameters

const idParam = (name: string) => str({ pattern: /^\d+$/ }).describe(`${name} (integer id)`);
/** Function key positions start at 1 (position 0 fails in PostgreSQL: confd answers 500). */
const positionParam = str({ pattern: /^[1-9]\d*$/ }).describe("position (1 or more)");
/** confd takes a user's integer id or its UUID in the path. */
const userIdParam = str({ pattern: /^(\d+|[0-9a-fA-F-]{32,36})$/ }).describe("the user's id or uuid");
const uuidParam = (name: string) => str({ pattern: /^[0-9a-fA-F-]{32,36}$/ }).describe(name);

/**
 * List parameters (confd `ListSchema`): limit, offset, search (substring,
 * case-insensitive, over the resource's searchable columns), order (a column),
 * direction; any other parameter naming a column is an exact-match filter
 * (`?exten=1001&context=…`). Unknown parameters are ignored.
 */
export const listQuery = z.looseObject({
  limit: int({ min: 0 }).optional(),
  offset: int({ min: 0 }).optional(),
  search: str().optional(),
  order: str().optional(),
  direction: oneOf(["asc", "desc"]).optional(),
  recurse: looseBool().optional(),
});
/** `?recursive=true` on DELETE /users/{id} and /lines/{id}: also delete what hangs off it. */
export const recursiveQuery = z.looseObject({ recursive: looseBool().optional() });

const errors = { 400: s.confdError, 401: s.confdError, 404: s.confdError } as const;
const notFoundOnly = { 401: s.confdError, 404: s.confdError } as const;

const P = "wazo_confd/plugins";
const HELPERS = ["wazo_confd/helpers/restful.py", "wazo_confd/helpers/common.py", "wazo_confd/helpers/mallow.py"];

function confd(op: Omit<WazoOperation, "api" | "auth" | "tenant"> & Partial<Pick<WazoOperation, "tenant">>): WazoOperation {
  return { api: "confd", auth: "token", tenant: true, ...op, sources: [...op.sources, ...HELPERS] };
}

// ---------------------------------------------------------------------------
// The table

export const OPERATIONS: readonly WazoOperation[] = [
  // Users
  confd({ id: "listUsers", method: "GET", path: "/users", summary: "List users", query: listQuery, responses: { 200: s.usersResponse, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/resource.py`] }),
  confd({ id: "createUser", method: "POST", path: "/users", summary: "Create a user (optionally with lines, voicemail, auth user, forwards, fallbacks inline)", body: s.userCreateBody, responses: { 201: s.userCreateResponse, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/schema.py`, `${P}/user/middleware.py`, `${P}/user/validator.py`] }),
  confd({ id: "getUser", method: "GET", path: "/users/{user_id}", summary: "Get a user", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.userResponse, ...notFoundOnly }, sources: [`${P}/user/api.yml`, `${P}/user/schema.py`] }),
  confd({ id: "updateUser", method: "PUT", path: "/users/{user_id}", summary: "Update a user (partial)", pathParams: z.object({ user_id: userIdParam }), body: s.userUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/schema.py`, `${P}/user/validator.py`] }),
  confd({ id: "deleteUser", method: "DELETE", path: "/users/{user_id}", summary: "Delete a user; with recursive=true also its lines, endpoints, extensions, voicemail", pathParams: z.object({ user_id: userIdParam }), query: recursiveQuery, responses: { 204: null, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/middleware.py`, `${P}/user/validator.py`] }),

  // User sub-resources: services, forwards, fallbacks
  confd({ id: "getUserServices", method: "GET", path: "/users/{user_id}/services", summary: "All of a user's services", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.servicesResponse, ...notFoundOnly }, sources: [`${P}/user/api.yml`, `${P}/user/sub_resources/schema.py`] }),
  confd({ id: "getUserService", method: "GET", path: "/users/{user_id}/services/{service_name}", summary: "A user's DND or incall filter", pathParams: z.object({ user_id: userIdParam, service_name: oneOf(s.SERVICE_NAMES) }), responses: { 200: s.serviceResponse, ...notFoundOnly }, sources: [`${P}/user/api.yml`, `${P}/user/sub_resources/resource.py`] }),
  confd({ id: "updateUserService", method: "PUT", path: "/users/{user_id}/services/{service_name}", summary: "Enable or disable DND / incall filter", pathParams: z.object({ user_id: userIdParam, service_name: oneOf(s.SERVICE_NAMES) }), body: s.serviceBody, responses: { 204: null, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/sub_resources/schema.py`] }),
  confd({ id: "listUserForwards", method: "GET", path: "/users/{user_id}/forwards", summary: "A user's three forwards", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.forwardsResponse, ...notFoundOnly }, sources: [`${P}/user/api.yml`, `${P}/user/sub_resources/schema.py`] }),
  confd({ id: "updateUserForwards", method: "PUT", path: "/users/{user_id}/forwards", summary: "Update the forwards sent (others kept)", pathParams: z.object({ user_id: userIdParam }), body: s.forwardsBody, responses: { 204: null, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/sub_resources/schema.py`, `${P}/user/validator.py`] }),
  confd({ id: "getUserForward", method: "GET", path: "/users/{user_id}/forwards/{forward_name}", summary: "One forward", pathParams: z.object({ user_id: userIdParam, forward_name: oneOf(s.FORWARD_NAMES) }), responses: { 200: s.forwardResponse, ...notFoundOnly }, sources: [`${P}/user/api.yml`] }),
  confd({ id: "updateUserForward", method: "PUT", path: "/users/{user_id}/forwards/{forward_name}", summary: "Update one forward", pathParams: z.object({ user_id: userIdParam, forward_name: oneOf(s.FORWARD_NAMES) }), body: s.forwardBody, responses: { 204: null, ...errors }, sources: [`${P}/user/api.yml`, `${P}/user/validator.py`] }),
  confd({ id: "getUserFallbacks", method: "GET", path: "/users/{user_id}/fallbacks", summary: "A user's fallbacks (no answer, busy, congestion, fail)", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.fallbacksResponse, ...notFoundOnly }, sources: [`${P}/user_fallback/api.yml`, `${P}/user_fallback/schema.py`, "wazo_confd/helpers/destination.py"] }),
  confd({ id: "updateUserFallbacks", method: "PUT", path: "/users/{user_id}/fallbacks", summary: "Replace a user's fallbacks", pathParams: z.object({ user_id: userIdParam }), body: s.fallbacksBody, responses: { 204: null, ...errors }, sources: [`${P}/user_fallback/api.yml`, `${P}/user_fallback/middleware.py`, "wazo_confd/helpers/destination.py"] }),

  // User function keys
  confd({ id: "listUserFuncKeys", method: "GET", path: "/users/{user_id}/funckeys", summary: "A user's keys by position", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.funcKeysResponse, ...notFoundOnly }, sources: [`${P}/func_key/api.yml`, `${P}/func_key/resource.py`] }),
  confd({ id: "updateUserFuncKeys", method: "PUT", path: "/users/{user_id}/funckeys", summary: "Replace all of a user's keys", pathParams: z.object({ user_id: userIdParam }), body: s.funcKeysBody, responses: { 204: null, ...errors }, sources: [`${P}/func_key/api.yml`, `${P}/func_key/resource.py`, `${P}/func_key/validator.py`] }),
  confd({ id: "getUserFuncKey", method: "GET", path: "/users/{user_id}/funckeys/{position}", summary: "The key at a position", pathParams: z.object({ user_id: userIdParam, position: positionParam }), responses: { 200: s.funcKeyResponse, ...notFoundOnly }, sources: [`${P}/func_key/api.yml`, `${P}/func_key/schema.py`] }),
  confd({ id: "updateUserFuncKey", method: "PUT", path: "/users/{user_id}/funckeys/{position}", summary: "Set the key at a position (create or replace)", pathParams: z.object({ user_id: userIdParam, position: positionParam }), body: s.funcKeyBody, responses: { 204: null, ...errors }, sources: [`${P}/func_key/api.yml`, `${P}/func_key/schema.py`, `${P}/func_key/validator.py`] }),
  confd({ id: "deleteUserFuncKey", method: "DELETE", path: "/users/{user_id}/funckeys/{position}", summary: "Remove the key at a position", pathParams: z.object({ user_id: userIdParam, position: positionParam }), responses: { 204: null, ...errors }, sources: [`${P}/func_key/api.yml`, `${P}/func_key/resource.py`] }),

  // User ↔ voicemail, user ↔ line
  confd({ id: "getUserVoicemail", method: "GET", path: "/users/{user_id}/voicemails", summary: "The user's voicemail, as a list of zero or one", pathParams: z.object({ user_id: userIdParam }), responses: { 200: s.voicemailsResponse, ...notFoundOnly }, sources: [`${P}/user_voicemail/api.yml`, `${P}/user_voicemail/resource.py`] }),
  confd({ id: "createUserVoicemail", method: "POST", path: "/users/{user_id}/voicemails", summary: "Create a voicemail and associate it with the user", pathParams: z.object({ user_id: userIdParam }), body: s.voicemailCreateBody, responses: { 201: s.voicemailResponse, ...errors }, sources: [`${P}/user_voicemail/api.yml`, `${P}/user_voicemail/middleware.py`, `${P}/user_voicemail/validator.py`, `${P}/voicemail/schema.py`] }),
  confd({ id: "dissociateUserVoicemail", method: "DELETE", path: "/users/{user_id}/voicemails", summary: "Dissociate the user's voicemail (the voicemail stays)", pathParams: z.object({ user_id: userIdParam }), responses: { 204: null, ...errors }, sources: [`${P}/user_voicemail/api.yml`, `${P}/user_voicemail/middleware.py`] }),
  confd({ id: "associateUserVoicemail", method: "PUT", path: "/users/{user_id}/voicemails/{voicemail_id}", summary: "Associate an existing voicemail", pathParams: z.object({ user_id: userIdParam, voicemail_id: idParam("voicemail_id") }), responses: { 204: null, ...errors }, sources: [`${P}/user_voicemail/api.yml`, `${P}/user_voicemail/validator.py`] }),
  confd({ id: "associateUserLine", method: "PUT", path: "/users/{user_id}/lines/{line_id}", summary: "Associate a line with a user", pathParams: z.object({ user_id: userIdParam, line_id: idParam("line_id") }), responses: { 204: null, ...errors }, sources: [`${P}/user_line/api.yml`, `${P}/user_line/validator.py`] }),
  confd({ id: "dissociateUserLine", method: "DELETE", path: "/users/{user_id}/lines/{line_id}", summary: "Dissociate a line from a user", pathParams: z.object({ user_id: userIdParam, line_id: idParam("line_id") }), responses: { 204: null, ...errors }, sources: [`${P}/user_line/api.yml`, `${P}/user_line/validator.py`] }),

  // Bulk import
  confd({ id: "importUsers", method: "POST", path: "/users/import", summary: "Create users (and lines, extensions, voicemails, incalls) from CSV, all or nothing", body: s.userImportBody, contentType: "text/csv", responses: { 201: s.userImportResponse, 400: s.userImportErrorResponse, 401: s.confdError }, sources: [`${P}/user_import/api.yml`, `${P}/user_import/resource.py`, `${P}/user_import/csvparse.py`, `${P}/user_import/service.py`] }),

  // Lines
  confd({ id: "listLines", method: "GET", path: "/lines", summary: "List lines", query: listQuery, responses: { 200: s.linesResponse, ...errors }, sources: [`${P}/line/api.yml`] }),
  confd({ id: "createLine", method: "POST", path: "/lines", summary: "Create a line (optionally with its SIP endpoint and extensions inline)", body: s.lineCreateBody, responses: { 201: s.lineResponse, ...errors }, sources: [`${P}/line/api.yml`, `${P}/line/schema.py`, `${P}/line/validator.py`] }),
  confd({ id: "getLine", method: "GET", path: "/lines/{line_id}", summary: "Get a line", pathParams: z.object({ line_id: idParam("line_id") }), responses: { 200: s.lineResponse, ...notFoundOnly }, sources: [`${P}/line/api.yml`] }),
  confd({ id: "updateLine", method: "PUT", path: "/lines/{line_id}", summary: "Update a line", pathParams: z.object({ line_id: idParam("line_id") }), body: s.lineUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/line/api.yml`, `${P}/line/schema.py`] }),
  confd({ id: "deleteLine", method: "DELETE", path: "/lines/{line_id}", summary: "Delete a line (its SIP endpoint goes with it); recursive=true also deletes its extensions", pathParams: z.object({ line_id: idParam("line_id") }), query: recursiveQuery, responses: { 204: null, ...errors }, sources: [`${P}/line/api.yml`, `${P}/line/middleware.py`] }),
  confd({ id: "associateLineEndpointSip", method: "PUT", path: "/lines/{line_id}/endpoints/sip/{sip_uuid}", summary: "Attach a SIP endpoint to a line", pathParams: z.object({ line_id: idParam("line_id"), sip_uuid: uuidParam("sip_uuid") }), responses: { 204: null, ...errors }, sources: [`${P}/line_endpoint/api.yml`, `${P}/line_endpoint/validator.py`] }),
  confd({ id: "dissociateLineEndpointSip", method: "DELETE", path: "/lines/{line_id}/endpoints/sip/{sip_uuid}", summary: "Detach a SIP endpoint from a line", pathParams: z.object({ line_id: idParam("line_id"), sip_uuid: uuidParam("sip_uuid") }), responses: { 204: null, ...errors }, sources: [`${P}/line_endpoint/api.yml`] }),
  confd({ id: "associateLineExtension", method: "PUT", path: "/lines/{line_id}/extensions/{extension_id}", summary: "Attach an extension (internal context, user range) to a line", pathParams: z.object({ line_id: idParam("line_id"), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/line_extension/api.yml`, `${P}/line_extension/validator.py`] }),
  confd({ id: "dissociateLineExtension", method: "DELETE", path: "/lines/{line_id}/extensions/{extension_id}", summary: "Detach an extension from a line", pathParams: z.object({ line_id: idParam("line_id"), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/line_extension/api.yml`] }),
  confd({ id: "createLineExtension", method: "POST", path: "/lines/{line_id}/extensions", summary: "Create an extension and attach it to the line", pathParams: z.object({ line_id: idParam("line_id") }), body: s.extensionCreateBody, responses: { 201: s.extensionResponse, ...errors }, sources: [`${P}/line_extension/api.yml`, `${P}/line_extension/validator.py`, `${P}/extension/validator.py`] }),

  // SIP endpoints
  confd({ id: "listEndpointsSip", method: "GET", path: "/endpoints/sip", summary: "List SIP endpoints", query: listQuery, responses: { 200: s.endpointsSipResponse, ...errors }, sources: [`${P}/endpoint_sip/api.yml`] }),
  confd({ id: "createEndpointSip", method: "POST", path: "/endpoints/sip", summary: "Create a SIP endpoint", body: s.endpointSipCreateBody, responses: { 201: s.endpointSipResponse, ...errors }, sources: [`${P}/endpoint_sip/api.yml`, `${P}/endpoint_sip/schema.py`, `${P}/endpoint_sip/validator.py`, `${P}/endpoint_sip/middleware.py`] }),
  confd({ id: "getEndpointSip", method: "GET", path: "/endpoints/sip/{sip_uuid}", summary: "Get a SIP endpoint", pathParams: z.object({ sip_uuid: uuidParam("sip_uuid") }), responses: { 200: s.endpointSipResponse, ...notFoundOnly }, sources: [`${P}/endpoint_sip/api.yml`] }),
  confd({ id: "updateEndpointSip", method: "PUT", path: "/endpoints/sip/{sip_uuid}", summary: "Update a SIP endpoint (option lists sent replace the old ones)", pathParams: z.object({ sip_uuid: uuidParam("sip_uuid") }), body: s.endpointSipUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/endpoint_sip/api.yml`, `${P}/endpoint_sip/middleware.py`] }),
  confd({ id: "deleteEndpointSip", method: "DELETE", path: "/endpoints/sip/{sip_uuid}", summary: "Delete a SIP endpoint", pathParams: z.object({ sip_uuid: uuidParam("sip_uuid") }), responses: { 204: null, ...errors }, sources: [`${P}/endpoint_sip/api.yml`] }),

  // Extensions
  confd({ id: "listExtensions", method: "GET", path: "/extensions", summary: "List extensions (filters: exten, context, type)", query: listQuery, responses: { 200: s.extensionsResponse, ...errors }, sources: [`${P}/extension/api.yml`] }),
  confd({ id: "createExtension", method: "POST", path: "/extensions", summary: "Create an extension", body: s.extensionCreateBody, responses: { 201: s.extensionResponse, ...errors }, sources: [`${P}/extension/api.yml`, `${P}/extension/schema.py`, `${P}/extension/validator.py`] }),
  confd({ id: "getExtension", method: "GET", path: "/extensions/{extension_id}", summary: "Get an extension", pathParams: z.object({ extension_id: idParam("extension_id") }), responses: { 200: s.extensionResponse, ...notFoundOnly }, sources: [`${P}/extension/api.yml`] }),
  confd({ id: "updateExtension", method: "PUT", path: "/extensions/{extension_id}", summary: "Update an extension", pathParams: z.object({ extension_id: idParam("extension_id") }), body: s.extensionUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/extension/api.yml`, `${P}/extension/validator.py`] }),
  confd({ id: "deleteExtension", method: "DELETE", path: "/extensions/{extension_id}", summary: "Delete an extension (refused while it is associated)", pathParams: z.object({ extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/extension/api.yml`, `${P}/extension/validator.py`] }),

  // Voicemails
  confd({ id: "listVoicemails", method: "GET", path: "/voicemails", summary: "List voicemails", query: listQuery, responses: { 200: s.voicemailsResponse, ...errors }, sources: [`${P}/voicemail/api.yml`] }),
  confd({ id: "createVoicemail", method: "POST", path: "/voicemails", summary: "Create a voicemail", body: s.voicemailCreateBody, responses: { 201: s.voicemailResponse, ...errors }, sources: [`${P}/voicemail/api.yml`, `${P}/voicemail/schema.py`, `${P}/voicemail/validator.py`] }),
  confd({ id: "getVoicemail", method: "GET", path: "/voicemails/{voicemail_id}", summary: "Get a voicemail", pathParams: z.object({ voicemail_id: idParam("voicemail_id") }), responses: { 200: s.voicemailResponse, ...notFoundOnly }, sources: [`${P}/voicemail/api.yml`] }),
  confd({ id: "updateVoicemail", method: "PUT", path: "/voicemails/{voicemail_id}", summary: "Update a voicemail", pathParams: z.object({ voicemail_id: idParam("voicemail_id") }), body: s.voicemailUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/voicemail/api.yml`, `${P}/voicemail/validator.py`] }),
  confd({ id: "deleteVoicemail", method: "DELETE", path: "/voicemails/{voicemail_id}", summary: "Delete a voicemail (refused while a user has it)", pathParams: z.object({ voicemail_id: idParam("voicemail_id") }), responses: { 204: null, ...errors }, sources: [`${P}/voicemail/api.yml`, `${P}/voicemail/validator.py`] }),

  // Incalls
  confd({ id: "listIncalls", method: "GET", path: "/incalls", summary: "List incalls (search and filter on exten)", query: listQuery, responses: { 200: s.incallsResponse, ...errors }, sources: [`${P}/incall/api.yml`] }),
  confd({ id: "createIncall", method: "POST", path: "/incalls", summary: "Create an incall (its DID is an extension associated afterwards)", body: s.incallCreateBody, responses: { 201: s.incallResponse, ...errors }, sources: [`${P}/incall/api.yml`, `${P}/incall/schema.py`, "wazo_confd/helpers/destination.py"] }),
  confd({ id: "getIncall", method: "GET", path: "/incalls/{incall_id}", summary: "Get an incall", pathParams: z.object({ incall_id: idParam("incall_id") }), responses: { 200: s.incallResponse, ...notFoundOnly }, sources: [`${P}/incall/api.yml`] }),
  confd({ id: "updateIncall", method: "PUT", path: "/incalls/{incall_id}", summary: "Update an incall", pathParams: z.object({ incall_id: idParam("incall_id") }), body: s.incallUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/incall/api.yml`, "wazo_confd/helpers/destination.py"] }),
  confd({ id: "deleteIncall", method: "DELETE", path: "/incalls/{incall_id}", summary: "Delete an incall (its extension is dissociated, not deleted)", pathParams: z.object({ incall_id: idParam("incall_id") }), responses: { 204: null, ...errors }, sources: [`${P}/incall/api.yml`] }),
  confd({ id: "associateIncallExtension", method: "PUT", path: "/incalls/{incall_id}/extensions/{extension_id}", summary: "Give an incall its DID (an extension in an incall context)", pathParams: z.object({ incall_id: idParam("incall_id"), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/incall_extension/api.yml`, `${P}/incall_extension/validator.py`] }),
  confd({ id: "dissociateIncallExtension", method: "DELETE", path: "/incalls/{incall_id}/extensions/{extension_id}", summary: "Take an incall's DID away", pathParams: z.object({ incall_id: idParam("incall_id"), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/incall_extension/api.yml`] }),

  // Groups
  confd({ id: "listGroups", method: "GET", path: "/groups", summary: "List groups (filters: label, name, exten)", query: listQuery, responses: { 200: s.groupsResponse, ...errors }, sources: [`${P}/group/api.yml`] }),
  confd({ id: "createGroup", method: "POST", path: "/groups", summary: "Create a group", body: s.groupCreateBody, responses: { 201: s.groupResponse, ...errors }, sources: [`${P}/group/api.yml`, `${P}/group/schema.py`, `${P}/group/resource.py`] }),
  confd({ id: "getGroup", method: "GET", path: "/groups/{group_uuid}", summary: "Get a group", pathParams: z.object({ group_uuid: str() }), responses: { 200: s.groupResponse, ...notFoundOnly }, sources: [`${P}/group/api.yml`] }),
  confd({ id: "updateGroup", method: "PUT", path: "/groups/{group_uuid}", summary: "Update a group", pathParams: z.object({ group_uuid: str() }), body: s.groupUpdateBody, responses: { 204: null, ...errors }, sources: [`${P}/group/api.yml`, `${P}/group/schema.py`] }),
  confd({ id: "deleteGroup", method: "DELETE", path: "/groups/{group_uuid}", summary: "Delete a group", pathParams: z.object({ group_uuid: str() }), responses: { 204: null, ...errors }, sources: [`${P}/group/api.yml`] }),
  confd({ id: "updateGroupMemberUsers", method: "PUT", path: "/groups/{group_uuid}/members/users", summary: "Replace a group's user members (each must have a line)", pathParams: z.object({ group_uuid: str() }), body: s.groupMemberUsersBody, responses: { 204: null, ...errors }, sources: [`${P}/group_member/api.yml`, `${P}/group_member/schema.py`, `${P}/group_member/resource.py`, `${P}/group_member/validator.py`] }),
  confd({ id: "associateGroupExtension", method: "PUT", path: "/groups/{group_uuid}/extensions/{extension_id}", summary: "Give a group an extension (internal context)", pathParams: z.object({ group_uuid: str(), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/group_extension/api.yml`, `${P}/group_extension/validator.py`] }),
  confd({ id: "dissociateGroupExtension", method: "DELETE", path: "/groups/{group_uuid}/extensions/{extension_id}", summary: "Take a group's extension away", pathParams: z.object({ group_uuid: str(), extension_id: idParam("extension_id") }), responses: { 204: null, ...errors }, sources: [`${P}/group_extension/api.yml`] }),

  // Contexts
  confd({ id: "listContexts", method: "GET", path: "/contexts", summary: "List contexts (filters: name, label, type)", query: listQuery, responses: { 200: s.contextsResponse, ...errors }, sources: [`${P}/context/api.yml`] }),
  confd({ id: "createContext", method: "POST", path: "/contexts", summary: "Create a context", body: s.contextCreateBody, responses: { 201: s.contextResponse, ...errors }, sources: [`${P}/context/api.yml`, `${P}/context/schema.py`, `${P}/context/resource.py`] }),
  confd({ id: "getContext", method: "GET", path: "/contexts/{context_id}", summary: "Get a context", pathParams: z.object({ context_id: idParam("context_id") }), responses: { 200: s.contextResponse, ...notFoundOnly }, sources: [`${P}/context/api.yml`] }),

  // IVRs and conferences: looked up by name for incall destinations
  confd({ id: "listIvrs", method: "GET", path: "/ivr", summary: "List IVRs (search on name)", query: listQuery, responses: { 200: s.ivrsResponse, ...errors }, sources: [`${P}/ivr/api.yml`] }),
  confd({ id: "createIvr", method: "POST", path: "/ivr", summary: "Create an IVR", body: s.ivrCreateBody, responses: { 201: s.ivrResponse, ...errors }, sources: [`${P}/ivr/api.yml`, `${P}/ivr/schema.py`] }),
  confd({ id: "getIvr", method: "GET", path: "/ivr/{ivr_id}", summary: "Get an IVR", pathParams: z.object({ ivr_id: idParam("ivr_id") }), responses: { 200: s.ivrResponse, ...notFoundOnly }, sources: [`${P}/ivr/api.yml`] }),
  confd({ id: "deleteIvr", method: "DELETE", path: "/ivr/{ivr_id}", summary: "Delete an IVR", pathParams: z.object({ ivr_id: idParam("ivr_id") }), responses: { 204: null, ...errors }, sources: [`${P}/ivr/api.yml`] }),
  confd({ id: "listConferences", method: "GET", path: "/conferences", summary: "List conferences (search on name)", query: listQuery, responses: { 200: s.conferencesResponse, ...errors }, sources: [`${P}/conference/api.yml`] }),
  confd({ id: "createConference", method: "POST", path: "/conferences", summary: "Create a conference", body: s.conferenceCreateBody, responses: { 201: s.conferenceResponse, ...errors }, sources: [`${P}/conference/api.yml`, `${P}/conference/schema.py`] }),
  confd({ id: "getConference", method: "GET", path: "/conferences/{conference_id}", summary: "Get a conference", pathParams: z.object({ conference_id: idParam("conference_id") }), responses: { 200: s.conferenceResponse, ...notFoundOnly }, sources: [`${P}/conference/api.yml`] }),
  confd({ id: "deleteConference", method: "DELETE", path: "/conferences/{conference_id}", summary: "Delete a conference", pathParams: z.object({ conference_id: idParam("conference_id") }), responses: { 204: null, ...errors }, sources: [`${P}/conference/api.yml`] }),

  // wazo-auth
  { id: "createToken", api: "auth", method: "POST", path: "/token", summary: "Create a token from a username and password (HTTP Basic)", body: s.tokenRequestBody, auth: "basic", tenant: false, responses: { 200: s.tokenResponse, 400: s.authError, 401: s.authError }, sources: ["wazo_auth/plugins/http/tokens/api.yml", "wazo_auth/plugins/http/tokens/http.py", "wazo_auth/plugins/http/tokens/schemas.py", "wazo_auth/token.py"] },
  { id: "getToken", api: "auth", method: "GET", path: "/token/{token}", summary: "Check a token and read its data", pathParams: z.object({ token: str() }), query: z.looseObject({ scope: str().optional(), tenant: str().optional() }), auth: "none", tenant: false, responses: { 200: s.tokenResponse, 403: s.authError, 404: s.authError }, sources: ["wazo_auth/plugins/http/tokens/api.yml", "wazo_auth/plugins/http/tokens/http.py"] },
  { id: "revokeToken", api: "auth", method: "DELETE", path: "/token/{token}", summary: "Revoke a token", pathParams: z.object({ token: str() }), auth: "none", tenant: false, responses: { 200: z.looseObject({ data: z.looseObject({ message: z.string() }) }) }, sources: ["wazo_auth/plugins/http/tokens/api.yml", "wazo_auth/plugins/http/tokens/http.py"] },
  { id: "listTenants", api: "auth", method: "GET", path: "/tenants", summary: "Tenants visible to the token (filters: uuid, name, slug, search)", query: listQuery, auth: "token", tenant: true, responses: { 200: s.tenantsResponse, 401: s.authApiError }, sources: ["wazo_auth/plugins/http/tenants/api.yml", "wazo_auth/plugins/http/tenants/schemas.py"] },
  { id: "createTenant", api: "auth", method: "POST", path: "/tenants", summary: "Create a sub-tenant of the token's tenant", body: s.tenantCreateBody, auth: "token", tenant: true, responses: { 200: s.tenantResponse, 400: s.authApiError, 401: s.authApiError, 409: s.authApiError }, sources: ["wazo_auth/plugins/http/tenants/api.yml", "wazo_auth/plugins/http/tenants/schemas.py"] },
  { id: "createAuthUser", api: "auth", method: "POST", path: "/users", summary: "Create a wazo-auth user (a login) in the tenant", body: s.authUserCreateBody, auth: "token", tenant: true, responses: { 200: s.authUserResponse, 400: s.authApiError, 401: s.authApiError, 409: s.authApiError }, sources: ["wazo_auth/plugins/http/users/api.yml", "wazo_auth/plugins/http/users/schemas.py", "wazo_auth/exceptions.py"] },
  { id: "listAuthUsers", api: "auth", method: "GET", path: "/users", summary: "List the logins of the tenant (recurse: and of its sub-tenants); total, filtered, items", query: listQuery, auth: "token", tenant: true, responses: { 200: s.authUsersResponse, 400: s.authApiError, 401: s.authApiError }, sources: ["wazo_auth/plugins/http/users/api.yml", "wazo_auth/plugins/http/users/http.py", "wazo_auth/schemas.py"] },
  { id: "getAuthUser", api: "auth", method: "GET", path: "/users/{user_uuid}", summary: "Read a login (in the token's tenants)", pathParams: z.object({ user_uuid: uuidParam("user_uuid") }), auth: "token", tenant: true, responses: { 200: s.authUserResponse, 401: s.authApiError, 404: s.authApiError }, sources: ["wazo_auth/plugins/http/users/api.yml", "wazo_auth/plugins/http/users/http.py"] },
  { id: "updateAuthUser", api: "auth", method: "PUT", path: "/users/{user_uuid}", summary: "Change a login's username, names, purpose, enabled", pathParams: z.object({ user_uuid: uuidParam("user_uuid") }), body: s.authUserUpdateBody, auth: "token", tenant: true, responses: { 200: s.authUserResponse, 400: s.authApiError, 401: s.authApiError, 404: s.authApiError, 409: s.authApiError }, sources: ["wazo_auth/plugins/http/users/api.yml", "wazo_auth/plugins/http/users/schemas.py"] },
  { id: "resetAuthUserPassword", api: "auth", method: "POST", path: "/users/password/reset", summary: "Set a login's password (?user_uuid=); its sessions are revoked", query: z.looseObject({ user_uuid: uuidParam("user_uuid") }), body: s.passwordResetBody, auth: "token", tenant: true, responses: { 204: null, 400: s.authApiError, 401: s.authApiError, 404: s.authApiError }, sources: ["wazo_auth/plugins/http/password_reset/api.yml"] },
];

/** Operations by id. */
export const OPERATION_BY_ID: Readonly<Record<string, WazoOperation>> = Object.fromEntries(OPERATIONS.map((o) => [o.id, o]));
