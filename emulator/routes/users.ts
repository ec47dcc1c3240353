/**
 * `/api/v1/sites/{site}/users`: users with their voicemail, portal access and
 * the SIP identity the PBX hands out (seed 000 SIP Identifiers tab).
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { extensionSchema, UserCreateSchema, UserUpdateSchema, type NumberingPlan, type UserCreateParsed, type UserUpdateParsed } from "../../sdk/schemas";
import { ROLE_OF_SCOPE, withPatchRules, withUserRules } from "../../sdk/schemas/user";
import type { Pbx } from "../context";
import type { StoredCti, StoredPortal } from "../render";
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

type CtiInput = { enabled?: boolean; username?: string | null; password?: string | null; profile?: string | null };

function ctiFrom(input: CtiInput | undefined, current: StoredCti): StoredCti {
  if (!input) return current;
  return {
    // Seed 002: a login given with a username is enabled unless said otherwise.
    enabled: input.enabled ?? (input.username ? true : current.enabled),
    username: input.username === undefined ? current.username : input.username,
    profile: input.profile === undefined ? current.profile : input.profile,
    passwordHash: input.password === undefined ? current.passwordHash : input.password === null ? null : hashPassword(input.password),
  };
}

/** A new user's voicemail fields the create body leaves unset (PBX defaults). */
const VOICEMAIL_DEFAULTS = { email: null, notificationEmails: [] as string[], attachAudio: false, deleteAfterNotification: false, askPassword: true };

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
    // Seed 004's scope is another name for the role; the role is what is stored.
    role: b.role ?? (b.scope ? ROLE_OF_SCOPE[b.scope] : "user"),
    permissions: b.permissions,
    directoryListed: b.directoryListed,
    multipleCalls: b.multipleCalls,
    loginRequired: b.loginRequired,
    dnd: b.dnd,
    callRecording: b.callRecording,
    outgoingCallerId: b.outgoingCallerId ?? null,
    keyCount: b.keyCount ?? site.data.defaultKeyCount,
    callTransfer: b.callTransfer,
    supervision: b.supervision,
    bossSecretary: b.bossSecretary,
    agentNumber: b.agentNumber ?? null,
    hotDeskingPin: b.hotDeskingPin ?? null,
    extraExtensions: b.extraExtensions,
    voicemail: {
      enabled: b.voicemail.enabled,
      pin: b.voicemail.pin ?? null,
      ringsBeforeVoicemail: b.voicemail.ringsBeforeVoicemail,
      email: b.voicemail.email ?? VOICEMAIL_DEFAULTS.email,
      notificationEmails: b.voicemail.notificationEmails ?? VOICEMAIL_DEFAULTS.notificationEmails,
      attachAudio: b.voicemail.attachAudio ?? VOICEMAIL_DEFAULTS.attachAudio,
      deleteAfterNotification: b.voicemail.deleteAfterNotification ?? VOICEMAIL_DEFAULTS.deleteAfterNotification,
      askPassword: b.voicemail.askPassword ?? VOICEMAIL_DEFAULTS.askPassword,
    },
    portal: portalFrom(b.portal, { username: null, passwordHash: null }),
    cti: ctiFrom(b.cti, { enabled: false, username: null, profile: null, passwordHash: null }),
    sipUsername: b.extension,
    sipDomain: site.data.sipDomain,
    sipProxy: site.data.sipProxy,
    sipPassword: sipPassword(),
  };
}

function mergeUser(current: Data, p: UserUpdateParsed): Data {
  const { voicemail, portal, cti, scope, ...flat } = p;
  const next = mergeDefined(current, flat);
  if (scope && flat.role === undefined) next.role = ROLE_OF_SCOPE[scope];
  if (voicemail) next.voicemail = mergeDefined({ ...VOICEMAIL_DEFAULTS, ...(current.voicemail as Data) }, voicemail);
  next.portal = portalFrom(portal, current.portal as StoredPortal);
  next.cti = ctiFrom(cti, (current.cti as StoredCti | undefined) ?? { enabled: false, username: null, profile: null, passwordHash: null });
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
    createSchema: (site) => withUserRules(UserCreateSchema.extend({ extension: extensionSchema(site.data.numberingPlan as NumberingPlan) })),
    updateSchema: (site) => withPatchRules(UserUpdateSchema.extend({ extension: extensionSchema(site.data.numberingPlan as NumberingPlan).optional() })),
    build: buildUser,
    merge: mergeUser,
    check: checkUser,
  });
}
