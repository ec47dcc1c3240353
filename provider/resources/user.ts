/**
 * pbx.User: a person on the PBX (seed 000 "Users": General, Voicemail, SIP
 * identifiers, Permissions; seeds 001, 003, 004 for license, caller ID, scopes).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SiteNameSchema } from "../../sdk/schemas/common";
import { checkExtensionRule } from "../../sdk/schemas/site";
import type { UserModel } from "../../sdk/drivers/driver";
import { UserCreate, UserCreateSchema, withUserRules } from "../../sdk/schemas/user";
import { capabilitiesOf } from "../../sdk/drivers";
import { type Settings, driverOf, numberingPlanOf } from "../config";
import { diffManaged } from "../framework";
import { settings } from "../runtime";
import { crudOps, withoutSite } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { applyPlanFor, track } from "./applyChanges";
import { CommonArgs, checkSited, ownerMarkFor, withSecretOutputs } from "./common";

/** Voicemail box of a user. */
export interface VoicemailArgs {
  /** Whether unanswered calls may reach the voicemail box. */
  enabled?: pulumi.Input<boolean>;
  /**
   * Voicemail PIN: digits only, at least 4 (seed 004 "Voicemail PIN: At least 4
   * digits, numbers only"). It is also the password of seed 001's voicemail
   * center ("Password: … used when accessing it via voicemail center") and
   * seed 002's `voicemailpassword`: one secret, one rule (`pin_digits`,
   * `pin_min_length`). Kept secret in the state.
   */
  pin?: pulumi.Input<string>;
  /** Rings before the call goes to voicemail, 2–10; the PBX default is 4 (seed 001). */
  ringsBeforeVoicemail?: pulumi.Input<number>;
  /**
   * The address voicemail messages are sent to, when it is not the user's own
   * `email` (seed 001 "Email Address: Email on which the user will receive the
   * voicemail"; seed 002 `voicemailemail`). Unset: the user's `email` (rule `email_format`).
   */
  email?: pulumi.Input<string>;
  /**
   * More addresses notified of a new message (seed 004 "Email Addresses –
   * Email addresses that will receive voicemail or fax notifications"): up to
   * 10, no duplicates (rules `voicemail_emails_unique`, `voicemail_emails_count`).
   * Wazo: driver_unsupported (one address per voicemail).
   */
  notificationEmails?: pulumi.Input<pulumi.Input<string>[]>;
  /** Attach the audio file to the notification e-mail (seed 002 `voicemailattach`). PBX default false. */
  attachAudio?: pulumi.Input<boolean>;
  /**
   * Delete the message once the notification is sent (seed 002
   * `voicemaildelete`; seed 003 "delete the messages from database after
   * sending notifications"). Needs an address (`voicemail.email`, the user's
   * `email` or `notificationEmails`; rule `voicemail_delete_needs_email`) and
   * `attachAudio: true` (rule `voicemail_delete_needs_attach`), else the message is lost.
   */
  deleteAfterNotification?: pulumi.Input<boolean>;
  /**
   * Ask for the PIN when the user calls the voicemail (seed 002
   * `voicemailskippass` is its inverse: skippass=1 is askPassword false). PBX default true.
   */
  askPassword?: pulumi.Input<boolean>;
}

/** The user's CTI client (XiVO Client) login, seed 002 `enableclient`, `username`, `password`, `profileclient`. */
export interface CtiArgs {
  /** Login enabled (seed 002 `enableclient`); an enabled login needs a username (rule `cti_username_required`). Default: true when a username is given. */
  enabled?: pulumi.Input<boolean>;
  /** Login name: 2–254 letters, digits, `. _ @ -` (rule `cti_username_format`). */
  username?: pulumi.Input<string>;
  /** Password, 4–128 characters without spaces (rules `cti_password_min_length`, `cti_password_format`). Write-only on the PBX; kept secret in the state. */
  password?: pulumi.Input<string>;
  /** CTI profile (seed 002 "profile defined in menu: Services > CTI server > Profiles"), e.g. "client". Wazo: driver_unsupported. */
  profile?: pulumi.Input<string>;
}

/** The user's login to the self-service portal. */
export interface PortalArgs {
  /** Portal login name. */
  username?: pulumi.Input<string>;
  /** Portal password, at least 8 characters. Write-only on the PBX; kept secret in the state. */
  password?: pulumi.Input<string>;
}

export interface UserArgs extends CommonArgs {
  /**
   * Internal extension: digits, unique on the site, inside the site's numbering plan (default 2–6 digits; `pbx:numberingPlan`).
   * A change is an update in place, or a replacement of the user where the PBX cannot change an extension
   * (seed 004 "This cannot be changed later"): `pbx:extensionChange` / `pbx:sites.<site>.extensionChange` = "replace".
   */
  extension: pulumi.Input<string>;
  /** First name (must not be empty). */
  firstName: pulumi.Input<string>;
  /** Last name. */
  lastName?: pulumi.Input<string>;
  /** E-mail address (voicemail to e-mail, portal invitations). */
  email?: pulumi.Input<string>;
  /** Mobile number in E.164, e.g. +32470123456 (Axivox "GSM number"); spaces and a 00 prefix are normalised. */
  mobileNumber?: pulumi.Input<string>;
  /** Department shown in the directory. */
  department?: pulumi.Input<string>;
  /** Locale of prompts and the portal, XiVO style (seed 002): "en_US", "fr_FR", "nl_BE" … */
  language?: pulumi.Input<string>;
  /** Listed in the company directory. */
  directoryListed?: pulumi.Input<boolean>;
  /** Allow several simultaneous calls (call waiting). */
  multipleCalls?: pulumi.Input<boolean>;
  /** Hot desking: the user must log in on a phone before using it. */
  loginRequired?: pulumi.Input<boolean>;
  /** Do not disturb. */
  dnd?: pulumi.Input<boolean>;
  /** Call recording: "off", "onDemand" or "always" (seed 002). */
  callRecording?: pulumi.Input<"off" | "onDemand" | "always">;
  /** Outgoing caller ID: must be an incoming number of the same site (seed 003). */
  outgoingCallerId?: pulumi.Input<string>;
  /** Voicemail settings. */
  voicemail?: pulumi.Input<VoicemailArgs>;
  /**
   * Portal role (seeds 001, 003, 004): "noPortal", "simpleUser", "user" (the
   * PBX default), "agent", "supervisor", "receptionist", "siteManager" or
   * "admin". Set `role` or `scope`, not both with different meanings (rule `role_scope_conflict`).
   */
  role?: pulumi.Input<"noPortal" | "simpleUser" | "user" | "agent" | "supervisor" | "receptionist" | "siteManager" | "admin">;
  /**
   * Seed 004 "User's Scope", in the portal's own words; another name for `role`:
   * "No Portal" = noPortal, "Simple User" = simpleUser (fax-only user),
   * "Basic User" = user (seed 001 license "Voice"), "Call Center Agent" = agent
   * and "Call Center Supervisor" = supervisor (seed 003 Agent, Supervisor),
   * "Site Manager" = siteManager, "Office Manager" = admin (seed 001 "Admin",
   * seed 003 "PBX Admin"). The PBX stores the role and reads the scope back from
   * it (seed 003's receptionist has no scope: null). Wazo: only "Basic User".
   */
  scope?: pulumi.Input<"No Portal" | "Simple User" | "Basic User" | "Call Center Agent" | "Call Center Supervisor" | "Site Manager" | "Office Manager">;
  /** The user may transfer calls (seed 002 `enablexfer`). PBX default false. */
  callTransfer?: pulumi.Input<boolean>;
  /** The user's line is supervised: BLF keys show its state (seed 002 `enablehint`). PBX default true. */
  supervision?: pulumi.Input<boolean>;
  /** Role in a boss/secretary call filter (seed 002 `bosssecretary`: no, boss, secretary): "none" (default), "boss" or "secretary". Wazo: only "none". */
  bossSecretary?: pulumi.Input<"none" | "boss" | "secretary">;
  /** Call-center agent number (seed 002 `agentnumber`): 1–10 digits (rule `agent_number_format`). Wazo: driver_unsupported. */
  agentNumber?: pulumi.Input<string>;
  /** CTI client login (seed 002 `enableclient`, `username`, `password`, `profileclient`). */
  cti?: pulumi.Input<CtiArgs>;
  /** Hot-desking PIN (seed 003: dial *11 and enter it to use any phone as one's own): 4–20 digits (rules `hot_desking_pin_digits`, `hot_desking_pin_length`). Secret. Wazo: driver_unsupported. */
  hotDeskingPin?: pulumi.Input<string>;
  /**
   * Extensions besides the main one (seed 003 "Multiple extensions can be
   * added to single users"): each in the site's numbering plan, and unique on
   * the site across every user's main and extra extensions (rules
   * `extra_extensions_unique`, `extra_extension_is_main`, `extension_unique`),
   * so each reaches this user. Wazo: driver_unsupported.
   */
  extraExtensions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Fine-grained portal permissions, the seed 000 Permissions tab: "userPortal", "userManagement", "incomingNumberManagement", "callList", "applyChanges" … (see sdk/schemas/user.ts). */
  permissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Self-service portal login. */
  portal?: pulumi.Input<PortalArgs>;
  /** Number of programmable keys of the user's phone, 1–100 (default: the site's, 20); bounds FunctionKey positions. */
  keyCount?: pulumi.Input<number>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/user");

export class User extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly extension: pulumi.Output<string>;
  declare readonly firstName: pulumi.Output<string>;
  declare readonly lastName: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string | undefined>;
  declare readonly mobileNumber: pulumi.Output<string | undefined>;
  declare readonly department: pulumi.Output<string | undefined>;
  declare readonly role: pulumi.Output<string | undefined>;
  declare readonly permissions: pulumi.Output<string[] | undefined>;
  declare readonly voicemail: pulumi.Output<{ enabled: boolean; pin?: string; ringsBeforeVoicemail: number; email?: string; notificationEmails?: string[]; attachAudio?: boolean; deleteAfterNotification?: boolean; askPassword?: boolean } | undefined>;
  /** Seed 004 scope of the user's role. */
  declare readonly scope: pulumi.Output<string | undefined>;
  declare readonly callTransfer: pulumi.Output<boolean | undefined>;
  declare readonly supervision: pulumi.Output<boolean | undefined>;
  declare readonly bossSecretary: pulumi.Output<string | undefined>;
  declare readonly agentNumber: pulumi.Output<string | undefined>;
  declare readonly extraExtensions: pulumi.Output<string[] | undefined>;
  /** CTI client login (secret): enabled, username, profile, passwordSet. */
  declare readonly cti: pulumi.Output<{ enabled: boolean; username?: string; profile?: string; passwordSet: boolean } | undefined>;
  /** Hot-desking PIN (secret). */
  declare readonly hotDeskingPin: pulumi.Output<string | undefined>;
  declare readonly outgoingCallerId: pulumi.Output<string | undefined>;
  /** SIP username: the extension. */
  declare readonly sipUsername: pulumi.Output<string>;
  /** SIP domain (registrar) of the site. */
  declare readonly sipDomain: pulumi.Output<string>;
  /** Outbound proxy the phone registers through. */
  declare readonly sipProxy: pulumi.Output<string>;
  /** SIP password generated by the PBX (secret). */
  declare readonly sipPassword: pulumi.Output<string>;
  /** Status tags computed by the PBX (seed 004): "New", "Setup Required", "Password Required". */
  declare readonly tags: pulumi.Output<string[]>;
  /** Revision of the object on the PBX (updates send it as If-Match). */
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions) {
    const apply = applyPlanFor(opts);
    super(
      provider,
      name,
      {
        ...args,
        // Registered even when unset, so \`site\` is an output (the checked default site).
        site: args.site,
        ownerMark: ownerMarkFor("User", name),
        applyMode: apply.applyMode,
        // Secret inputs stay secret even when the program passes plain strings.
        voicemail: args.voicemail === undefined ? undefined : pulumi.secret(args.voicemail),
        portal: args.portal === undefined ? undefined : pulumi.secret(args.portal),
        cti: args.cti === undefined ? undefined : pulumi.secret(args.cti),
        hotDeskingPin: args.hotDeskingPin === undefined ? undefined : pulumi.secret(args.hotDeskingPin),
        sipUsername: undefined,
        sipDomain: undefined,
        sipProxy: undefined,
        sipPassword: undefined,
        tags: undefined,
        revision: undefined,
      },
      withSecretOutputs(apply.opts, ["sipPassword", "voicemail", "portal", "cti", "hotDeskingPin"]),
      "pbx",
      "User",
    );
    track(this);
  }
}

// ---- provider side: runs in the dynamic-provider process (see ../framework.ts) ----

/** Inputs as the program may write them: the API's create body plus site and adopt. */
const UserArgsSchema = withUserRules(UserCreateSchema.extend({ site: SiteNameSchema.optional(), adopt: z.boolean().optional() }));
type CheckedUser = z.output<typeof UserArgsSchema> & { site: string };

const inputKeys = [
  "site", "extension", "firstName", "lastName", "email", "mobileNumber", "department", "language", "directoryListed",
  "multipleCalls", "loginRequired", "dnd", "callRecording", "outgoingCallerId", "voicemail", "role", "permissions",
  "portal", "keyCount", "scope", "callTransfer", "supervision", "bossSecretary", "agentNumber", "cti", "hotDeskingPin",
  "extraExtensions",
] as const;

const body = (args: CheckedUser): UserCreate => withoutSite(args);

function toOutputs(u: UserModel, known: Record<string, any>): Record<string, any> {
  const { portal, cti, ...rest } = u;
  // The portal and CTI passwords are write-only: keep the one we sent while the PBX says one
  // is set, so a console reset that clears it shows as drift.
  const password = portal.passwordSet ? known.portal?.password : undefined;
  const ctiPassword = cti?.passwordSet ? known.cti?.password : undefined;
  return {
    ...rest,
    portal: { username: portal.username, passwordSet: portal.passwordSet, ...(password ? { password } : {}) },
    ...(cti ? { cti: { enabled: cti.enabled, username: cti.username, profile: cti.profile, passwordSet: cti.passwordSet, ...(ctiPassword ? { password: ctiPassword } : {}) } } : {}),
  };
}

/**
 * Whether a new extension replaces the user on a site (seed 004: "This cannot be
 * changed later"): the site's `extensionChange`, else `pbx:extensionChange`, else
 * the driver's declared behaviour, else an update in place.
 */
export function extensionReplaces(s: Settings, site: string | undefined): boolean {
  const mode = (site && s.sites[site]?.extensionChange) || s.extensionChange || capabilitiesOf(driverOf(s, site)).extensionChange || "update";
  return mode === "replace";
}

const crud = crudOps<"user", CheckedUser>({
  kind: "user",
  type: "User",
  naturalKey: (a) => `extension ${a.extension}`,
  key: (a) => ({ extension: a.extension }),
  input: body,
  diff: { replaceOn: ["site"] },
  inputKeys,
  toOutputs,
});

export const ops: ResourceOps = {
  ...crud,
  async diff(_id, olds, news) {
    if (!extensionReplaces(await settings(), (news.site ?? olds.site) as string | undefined)) return crud.diff(_id, olds, news);
    // The old user goes first: its portal/CTI logins and e-mail are unique on some PBXs.
    return diffManaged(olds, news, { replaceOn: ["site", "extension"], deleteBeforeReplace: true });
  },
  check: (_olds, news) =>
    checkSited("user", UserArgsSchema, news, (u, s) => {
      const plan = numberingPlanOf(s, u.site);
      const problem = checkExtensionRule(u.extension, plan);
      const out = problem ? [{ property: "extension", reason: `extension: ${problem.message} (rule: ${problem.rule})` }] : [];
      (u.extraExtensions ?? []).forEach((x, i) => {
        const bad = checkExtensionRule(x, plan);
        if (bad) out.push({ property: `extraExtensions.${i}`, reason: `extraExtensions.${i}: extra extension: ${bad.message} (rule: ${bad.rule})` });
      });
      return out;
    }),
};
