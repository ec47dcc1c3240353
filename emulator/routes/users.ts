/**
 * `/api/v1/sites/{site}/users`: users with their voicemail, portal access and
 * the SIP identity the PBX hands out (seed 000 SIP Identifiers tab).
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { extensionSchema, UserCreateSchema, UserUpdateSchema, type NumberingPlan, type UserCreateParsed, type UserUpdateParsed } from "../../sdk/schemas";
import type { Pbx } from "../context";
import type { StoredPortal } from "../render";
import { checkUser } from "../rules/users";
import type { Data, SiteRow } from "../store/store";
import { mergeDefined, registerCollection } from "./collection";

function hashPassword(password: string): string {
  return crypto.createHash("sha256").update(password).digest("hex");
}

/** Seed 000: "The value in the SIP Password field is unique for every Axivox user" — 128 random bits. */
function sipPassword(): string {
  return crypto.randomBytes(16).toString("base64url");
}

function portalFrom(input: { username?: string | null; password?: string | null } | undefined, current: StoredPortal): StoredPortal {
  if (!input) return current;
  return {
    username: input.username === undefined ? current.username : input.username,
    passwordHash: input.password === undefined ? current.passwordHash : input.password === null ? null : hashPassword(input.password),
  };
}

/** Stored data of a new user (defaults from the schema and the site). */
export function buildUser(site: SiteRow, b: UserCreateParsed): Data {
  return {
    extension: b.extension,
    firstName: b.firstName,
    lastName: b.lastName ?? null,
    email: b.email ?? null,
    mobileNumber: b.mobileNumber ?? null,
    department: b.department ?? null,
    language: b.language ?? null,
    role: b.role,
    permissions: b.permissions,
    directoryListed: b.directoryListed,
    multipleCalls: b.multipleCalls,
    loginRequired: b.loginRequired,
    dnd: b.dnd,
    callRecording: b.callRecording,
    outgoingCallerId: b.outgoingCallerId ?? null,
    keyCount: b.keyCount ?? site.data.defaultKeyCount,
    voicemail: { enabled: b.voicemail.enabled, pin: b.voicemail.pin ?? null, ringsBeforeVoicemail: b.voicemail.ringsBeforeVoicemail },
    portal: portalFrom(b.portal, { username: null, passwordHash: null }),
    sipUsername: b.extension,
    sipDomain: site.data.sipDomain,
    sipProxy: site.data.sipProxy,
    sipPassword: sipPassword(),
  };
}

function mergeUser(current: Data, p: UserUpdateParsed): Data {
  const { voicemail, portal, ...flat } = p;
  const next = mergeDefined(current, flat);
  if (voicemail) next.voicemail = mergeDefined(current.voicemail as Data, voicemail);
  next.portal = portalFrom(portal, current.portal as StoredPortal);
  // Seed 000: "the SIP username field represents ... the Extension field".
  next.sipUsername = next.extension;
  return next;
}

/** Register the user routes. */
export function userRoutes(app: FastifyInstance, pbx: Pbx): void {
  registerCollection(app, pbx, {
    kind: "user",
    path: "users",
    noun: "user",
    // The extension is read under the site's plan, so a 422 lists it with the other fields, in the plan's words.
    createSchema: (site) => UserCreateSchema.extend({ extension: extensionSchema(site.data.numberingPlan as NumberingPlan) }),
    updateSchema: (site) => UserUpdateSchema.extend({ extension: extensionSchema(site.data.numberingPlan as NumberingPlan).optional() }),
    build: buildUser,
    merge: mergeUser,
    check: checkUser,
  });
}
