/**
 * An exported site as a Pulumi program: pure, from what the driver read to the
 * project's files, so the same PBX gives the same bytes.
 *
 * - Names come from natural keys (`user-1001`, `number-3225550100`,
 *   `group-sales`, `key-1001-3`, `forwarding-1001`), references are variables
 *   (`user1001.id`), never ids; users, then groups, numbers, keys and
 *   forwardings, then devices (`device-desk-1001`), each sorted by its key:
 *   every reference points up.
 * - A field is written only when it differs from what the PBX gives an object
 *   that does not set it (the API v1 create defaults): an unset field is not
 *   managed, so leaving defaults out also keeps the first `up` from writing.
 * - Secrets never reach the code: voicemail PINs go to one secret config map,
 *   portal passwords (never returned) become required secret config, and a
 *   device's SIP password is left out (not managed: the phone keeps registering
 *   with the one it has; see the device section).
 * - What cannot be expressed (an input the provider would refuse, a reference
 *   to an object left out) is a problem naming the object, never dropped silently.
 */
import type { z } from "zod";
import { capabilitiesOf } from "../../sdk/drivers";
import type {
  DeviceModel,
  DriverName,
  ForwardingModel,
  FunctionKeyModel,
  IncomingNumberModel,
  Kind,
  UserGroupModel,
  UserModel,
} from "../../sdk/drivers/driver";
import { KINDS } from "../../sdk/drivers/driver";
import { DeviceCreateSchema } from "../../sdk/schemas/device";
import { zodIssues } from "../../sdk/schemas/error";
import { FORWARDING_LISTS, ForwardingCreateSchema } from "../../sdk/schemas/forwarding";
import { defaultSupervision, FunctionKeyCreateSchema } from "../../sdk/schemas/functionKey";
import { IncomingNumberCreateSchema } from "../../sdk/schemas/incomingNumber";
import { DEFAULT_NUMBERING_PLAN } from "../../sdk/schemas/site";
import { UserCreateSchema } from "../../sdk/schemas/user";
import { UserGroupCreateSchema } from "../../sdk/schemas/userGroup";
import { Filter, keeps, NO_FILTER } from "./filter";
import { block, Expr, sampleOf, Value } from "./render";

/** Every object of a site, as the driver lists them. */
export interface Snapshot {
  users: UserModel[];
  incomingNumbers: IncomingNumberModel[];
  userGroups: UserGroupModel[];
  functionKeys: FunctionKeyModel[];
  forwardings: ForwardingModel[];
  devices: DeviceModel[];
}

export interface GenerateOptions {
  driver: DriverName;
  site: string;
  url: string;
  /** Pulumi project name. */
  project: string;
  /** Stack whose config file holds the connection. */
  stack: string;
  /** Wazo: tenant uuid and wazo-auth login (not secret). */
  tenant?: string;
  username?: string;
  filter?: Filter;
  /** Version range of pulumi-pbx in package.json. */
  pulumiPbxVersion: string;
  /** Exact version of @pulumi/pulumi (the one pulumi-pbx is built with). */
  pulumiVersion: string;
}

/** An object the export left out, or a field of it, and why. */
export interface Problem {
  /** Resource name (`key-1001-3`), or the object's id when it has none. */
  name: string;
  message: string;
}

/** Secret config the user must set (the PBX never returns it). */
export interface RequiredSecret {
  /** Config key without the project prefix. */
  key: string;
  /** Whom it belongs to, in words. */
  who: string;
}

export interface Generated {
  /** Files of the project by name (the stack config is written apart: it holds secrets). */
  files: Record<string, string>;
  /** Plain stack config: `pbx:url`, `pbx:site`, `pbx:driver` … */
  config: Array<[key: string, value: string]>;
  /** Voicemail PINs by extension, for the secret config map `voicemailPins`. */
  pins: Record<string, string>;
  requiredSecrets: RequiredSecret[];
  /** Objects read, kept by the filter, and written to index.ts, per kind. */
  counts: Record<Kind, { read: number; kept: number; exported: number }>;
  problems: Problem[];
}

/** The config key of the PINs map (in the project's namespace). */
export const PINS_KEY = "voicemailPins";

/** The key count a user has when the program does not set one (API v1 site default). */
const DEFAULT_KEY_COUNT = 20;

// ---- names ----

/** Digits before letters, shorter numbers first: "2" < "10" < "1001". */
export function compareKeys(a: string, b: string): number {
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Sales Team` → `sales-team`. */
export function slug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

const camel = (s: string) => s.split("-").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");

const numberDigits = (n: string) => n.replace(/^\+/, "");

// ---- defaults: what an object gets when the program leaves a field unset ----

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Copies `fields` of `from` into `to` where they differ from `defaults` (null: no value). */
function differing(to: Record<string, Value>, from: Record<string, unknown>, fields: readonly string[], defaults: Record<string, unknown>): void {
  for (const f of fields) {
    const v = from[f];
    if (v === undefined || v === null) continue;
    if (f in defaults && same(v, defaults[f])) continue;
    to[f] = v as Value;
  }
}

const USER_DEFAULTS = {
  role: "user",
  permissions: [],
  directoryListed: true,
  multipleCalls: false,
  loginRequired: false,
  dnd: false,
  callRecording: "off",
  callTransfer: false,
  supervision: true,
  bossSecretary: "none",
  extraExtensions: [],
};
const USER_FIELDS = [
  "firstName", "lastName", "email", "mobileNumber", "department", "language", "role", "permissions",
  "directoryListed", "multipleCalls", "loginRequired", "dnd", "callRecording", "outgoingCallerId",
  "callTransfer", "supervision", "bossSecretary", "agentNumber", "extraExtensions",
] as const;
/** Voicemail options (seeds 001–004) and their PBX defaults. */
const VOICEMAIL_DEFAULTS = { email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true };

const STEP_RING_SECONDS = 20;

// ---- checks: what the provider would refuse at preview ----

function issuesOf(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return zodIssues(r.error).map((i) => `${i.path.map(String).join(".") || "(object)"}: ${i.message}`);
}

// ---- the program ----

interface Entry {
  name: string;
  text: string;
}

export function generate(snapshot: Snapshot, options: GenerateOptions): Generated {
  const filter = options.filter ?? NO_FILTER;
  const caps = capabilitiesOf(options.driver);
  const problems: Problem[] = [];
  const counts = Object.fromEntries(KINDS.map((k) => [k, { read: 0, kept: 0, exported: 0 }])) as Generated["counts"];
  const pins: Record<string, string> = {};
  const requiredSecrets: RequiredSecret[] = [];
  const sections: Record<Kind, Entry[]> = { user: [], userGroup: [], incomingNumber: [], functionKey: [], forwarding: [], device: [] };

  /** Checks an object's inputs as the provider will; true when it can be written. */
  const expressible = (kind: Kind, name: string, schema: z.ZodType, args: Record<string, Value>): boolean => {
    const { adopt: _adopt, ...sample } = sampleOf(args) as Record<string, unknown>;
    const issues = [
      ...issuesOf(schema, sample),
      ...caps.unsupported(kind, sample).map((u) => `${u.property}: ${u.message}`),
    ];
    if (issues.length === 0) return true;
    problems.push({ name, message: `cannot be expressed as a program (${issues.join("; ")}): left out` });
    return false;
  };

  // Users, by id: the referable ones (exported) and every one (for messages).
  const users = [...snapshot.users].sort((a, b) => compareKeys(a.extension, b.extension));
  const userById = new Map(users.map((u) => [u.id, u]));
  const exportedUsers = new Map<string, Expr>();
  counts.user.read = users.length;

  /** Why user `id` cannot be referred to, or undefined when it can. */
  const userRef = (id: string): { ref?: Expr; why?: string } => {
    const ref = exportedUsers.get(id);
    if (ref) return { ref };
    const u = userById.get(id);
    if (!u) return { why: `user ${id} is not a user of the site` };
    return { why: `user ${u.extension} (user-${u.extension}) is not exported` };
  };

  const extensions: string[] = [];
  for (const u of users) {
    if (!keeps(filter, "user", u.extension)) continue;
    counts.user.kept++;
    const name = `user-${u.extension}`;
    const args: Record<string, Value> = { extension: u.extension };
    differing(args, u, USER_FIELDS, USER_DEFAULTS);
    const comments: string[] = [];
    // Wazo reads a key count it cannot hold (0): it is not part of the user there.
    if (u.keyCount !== DEFAULT_KEY_COUNT && caps.unsupported("user", { keyCount: u.keyCount }).length === 0) args.keyCount = u.keyCount;
    const vm: Record<string, Value> = {};
    if (u.voicemail.enabled !== true) vm.enabled = u.voicemail.enabled;
    if (u.voicemail.pin !== null && u.voicemail.pin !== undefined) {
      vm.pin = new Expr(`pin(${JSON.stringify(u.extension)})`, u.voicemail.pin);
    }
    if (u.voicemail.ringsBeforeVoicemail !== 4) vm.ringsBeforeVoicemail = u.voicemail.ringsBeforeVoicemail;
    differing(vm, u.voicemail, Object.keys(VOICEMAIL_DEFAULTS), VOICEMAIL_DEFAULTS);
    if (Object.keys(vm).length > 0) args.voicemail = vm;
    const portal: Record<string, Value> = {};
    if (u.portal.username !== null && u.portal.username !== undefined) portal.username = u.portal.username;
    const passwordKey = `portalPassword${u.extension}`;
    if (u.portal.passwordSet) {
      // A placeholder of the right length: the real one is the user's to give.
      portal.password = new Expr(`config.requireSecret(${JSON.stringify(passwordKey)})`, "placeholder-password");
      const who = [u.firstName, u.lastName].filter(Boolean).join(" ");
      comments.push(
        `${who} (${u.extension}) has a portal password; the PBX never returns it. Set it before \`pulumi up\`:`,
        `  npx pulumi config set --secret ${passwordKey}`,
      );
    }
    if (Object.keys(portal).length > 0) args.portal = portal;
    args.adopt = true;
    if (!expressible("user", name, UserCreateSchema, args)) continue;
    if (vm.pin instanceof Expr) pins[u.extension] = u.voicemail.pin!;
    if (u.portal.passwordSet) requiredSecrets.push({ key: passwordKey, who: `${[u.firstName, u.lastName].filter(Boolean).join(" ")} (${u.extension})` });
    const variable = `user${u.extension}`;
    exportedUsers.set(u.id, new Expr(`${variable}.id`, u.id));
    extensions.push(u.extension);
    sections.user.push({ name, text: block("User", name, args, variable, comments) });
  }
  counts.user.exported = sections.user.length;

  // Groups: names from slugs, made unique in name order.
  const groups = [...snapshot.userGroups].sort((a, b) => compareKeys(a.name, b.name));
  counts.userGroup.read = groups.length;
  const exportedGroups = new Map<string, Expr>();
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const taken = new Set<string>();
  const groupNames = new Map<string, string>();
  for (const g of groups) {
    const base = slug(g.name) || "unnamed";
    let s = base;
    for (let n = 2; taken.has(s); n++) s = `${base}-${n}`;
    taken.add(s);
    groupNames.set(g.id, s);
  }
  for (const g of groups) {
    if (!keeps(filter, "userGroup", g.name)) continue;
    counts.userGroup.kept++;
    const s = groupNames.get(g.id)!;
    const name = `group-${s}`;
    const args: Record<string, Value> = { name: g.name };
    const comments: string[] = [];
    if (g.members.length > 0) {
      const refs = g.members.map(userRef);
      const missing = refs.filter((r) => !r.ref).map((r) => r.why!);
      if (missing.length === 0) args.members = refs.map((r) => r.ref!);
      else {
        // Half a member list would remove the others from the group on the first `up`.
        problems.push({ name, message: `members left out of the program (not managed): ${missing.join("; ")}` });
        comments.push(`members are not managed: ${missing.length} of them ${missing.length === 1 ? "is" : "are"} not in this program`);
      }
    }
    differing(args, g, ["ringStrategy", "ringSeconds", "queue"], { ringStrategy: "allAtOnce", ringSeconds: 20 });
    args.adopt = true;
    if (!expressible("userGroup", name, UserGroupCreateSchema, args)) continue;
    const variable = `group${camel(s)}`;
    exportedGroups.set(g.id, new Expr(`${variable}.id`, g.id));
    sections.userGroup.push({ name, text: block("UserGroup", name, args, variable, comments) });
  }
  counts.userGroup.exported = sections.userGroup.length;

  // Incoming numbers.
  const numbers = [...snapshot.incomingNumbers].sort((a, b) => compareKeys(numberDigits(a.number), numberDigits(b.number)));
  counts.incomingNumber.read = numbers.length;
  for (const n of numbers) {
    const digits = numberDigits(n.number);
    if (!keeps(filter, "incomingNumber", digits)) continue;
    counts.incomingNumber.kept++;
    const name = `number-${digits}`;
    const d = n.destination as Record<string, string>;
    let destination: Record<string, Value> = { ...d };
    let why: string | undefined;
    if (d.type === "user" || d.type === "voicemail") {
      const r = userRef(d.userId);
      if (r.ref) destination = { type: d.type, userId: r.ref };
      else why = `its destination ${r.why}`;
    } else if (d.type === "userGroup") {
      const ref = exportedGroups.get(d.groupId);
      const g = groupById.get(d.groupId);
      if (ref) destination = { type: d.type, groupId: ref };
      else why = g ? `its destination group "${g.name}" (group-${groupNames.get(g.id)}) is not exported` : `its destination group ${d.groupId} is not a group of the site`;
    }
    // SMS routing (seed 000): to a user of the program, an e-mail, or nowhere (the default, left out).
    const sms = (n.sms ?? { type: "none" }) as Record<string, string>;
    let smsArg: Record<string, Value> | undefined;
    if (sms.type === "user") {
      const r = userRef(sms.userId);
      if (r.ref) smsArg = { type: "user", userId: r.ref };
      else why = why ?? `its SMS user ${r.why}`;
    } else if (sms.type === "email") smsArg = { type: "email", email: sms.email };
    if (why) {
      problems.push({ name, message: `${why}: left out` });
      continue;
    }
    const args: Record<string, Value> = { number: n.number, destination };
    differing(args, n, ["ringSeconds", "description"], { ringSeconds: 30 });
    if (smsArg) args.sms = smsArg;
    args.adopt = true;
    if (!expressible("incomingNumber", name, IncomingNumberCreateSchema, args)) continue;
    sections.incomingNumber.push({ name, text: block("IncomingNumber", name, args) });
  }
  counts.incomingNumber.exported = sections.incomingNumber.length;

  // Function keys, by owner's extension and position.
  const ownerExt = (userId: string) => userById.get(userId)?.extension;
  const keyName = (k: FunctionKeyModel) => `${ownerExt(k.userId) ?? k.userId}-${k.position}`;
  const keys = [...snapshot.functionKeys].sort(
    (a, b) => compareKeys(ownerExt(a.userId) ?? a.userId, ownerExt(b.userId) ?? b.userId) || a.position - b.position,
  );
  counts.functionKey.read = keys.length;
  for (const k of keys) {
    const key = keyName(k);
    if (!keeps(filter, "functionKey", key)) continue;
    counts.functionKey.kept++;
    const name = `key-${key}`;
    const owner = userRef(k.userId);
    const target = k.targetUserId ? userRef(k.targetUserId) : undefined;
    const groupRef = k.targetGroupId ? exportedGroups.get(k.targetGroupId) : undefined;
    const why = [
      owner.ref ? undefined : `its user ${owner.why}`,
      target && !target.ref ? `its target ${target.why}` : undefined,
      k.targetGroupId && !groupRef ? `its target group ${k.targetGroupId} is not exported` : undefined,
    ].filter(Boolean);
    if (why.length > 0) {
      problems.push({ name, message: `${why.join("; ")}: left out` });
      continue;
    }
    const args: Record<string, Value> = { userId: owner.ref!, position: k.position, type: k.type };
    if (target) args.targetUserId = target.ref!;
    if (groupRef) args.targetGroupId = groupRef;
    differing(args, k, ["number", "forward", "service", "transfer", "label"], {});
    if (k.supervision !== undefined && k.supervision !== defaultSupervision(k.type)) args.supervision = k.supervision;
    args.adopt = true;
    if (!expressible("functionKey", name, FunctionKeyCreateSchema, args)) continue;
    sections.functionKey.push({ name, text: block("FunctionKey", name, args) });
  }
  counts.functionKey.exported = sections.functionKey.length;

  // Forwardings, by owner's extension.
  const forwardings = [...snapshot.forwardings].sort((a, b) => compareKeys(ownerExt(a.userId) ?? a.userId, ownerExt(b.userId) ?? b.userId));
  for (const f of forwardings) {
    // "off" with nothing in it is what every user has without a forwarding.
    const empty = f.mode === "off" && !f.voicemailLastResort && [...FORWARDING_LISTS, "followMe" as const].every((l) => (f[l] ?? []).length === 0);
    if (empty) continue;
    counts.forwarding.read++;
    const key = ownerExt(f.userId) ?? f.userId;
    if (!keeps(filter, "forwarding", key)) continue;
    counts.forwarding.kept++;
    const name = `forwarding-${key}`;
    const owner = userRef(f.userId);
    const why: string[] = owner.ref ? [] : [`its user ${owner.why}`];
    const args: Record<string, Value> = { userId: owner.ref ?? "", mode: f.mode };
    for (const list of [...FORWARDING_LISTS, "followMe" as const]) {
      const steps = f[list] ?? [];
      if (steps.length === 0) continue;
      args[list] = steps.map((s, i) => {
        const step: Record<string, Value> = {};
        if (s.userId !== undefined) {
          const r = userRef(s.userId);
          if (r.ref) step.userId = r.ref;
          else why.push(`${list} step ${i + 1}: ${r.why}`);
        }
        if (s.number !== undefined) step.number = s.number;
        if (s.numberKind !== undefined) step.numberKind = s.numberKind;
        if (s.ringSeconds !== STEP_RING_SECONDS) step.ringSeconds = s.ringSeconds;
        return step;
      });
    }
    if (f.voicemailLastResort) args.voicemailLastResort = true;
    differing(args, f, ["ringStrategy", "requireKeyPress", "directCallsOnly", "forwardedCallerId"], { ringStrategy: "inOrder", requireKeyPress: false, directCallsOnly: false, forwardedCallerId: "caller" });
    if (why.length > 0) {
      problems.push({ name, message: `${why.join("; ")}: left out` });
      continue;
    }
    args.adopt = true;
    if (!expressible("forwarding", name, ForwardingCreateSchema, args)) continue;
    sections.forwarding.push({ name, text: block("Forwarding", name, args) });
  }
  counts.forwarding.exported = sections.forwarding.length;

  // Devices, by SIP user name (an SCCP phone, which has none, by its MAC).
  const deviceKey = (d: DeviceModel) => d.sipUsername ?? d.macAddress ?? d.id;
  const devices = [...(snapshot.devices ?? [])].sort((a, b) => compareKeys(deviceKey(a), deviceKey(b)));
  counts.device.read = devices.length;
  const deviceNames = new Set<string>();
  for (const d of devices) {
    const key = deviceKey(d);
    if (!keeps(filter, "device", key)) continue;
    counts.device.kept++;
    // "desk.1" and "desk-1" are two user names but one slug: the later one gets a suffix.
    const base = `device-${slug(key) || slug(d.id)}`;
    let name = base;
    for (let n = 2; deviceNames.has(name); n++) name = `${base}-${n}`;
    deviceNames.add(name);
    const owner = userRef(d.userId);
    if (!owner.ref) {
      problems.push({ name, message: `its user ${owner.why}: left out` });
      continue;
    }
    const args: Record<string, Value> = { name: d.name, userId: owner.ref };
    differing(args, d, ["type", "protocol", "sipUsername", "macAddress", "make", "model"], { type: "sip", protocol: "sip" });
    // The PBX returns the SIP password, but writing it into a program (or asking the
    // user to type it again) risks a phone that no longer registers: left unmanaged.
    const comments = d.sipPassword ? [`SIP password not managed: the device keeps the one it has (set sipPassword from a secret to manage it).`] : [];
    args.adopt = true;
    if (!expressible("device", name, DeviceCreateSchema, args)) continue;
    sections.device.push({ name, text: block("Device", name, args, undefined, comments) });
  }
  counts.device.exported = sections.device.length;

  // Extensions outside the default plan (2–6 digits) need the site's plan at preview.
  const config: Array<[string, string]> = [];
  config.push(["pbx:driver", options.driver]);
  const lengths = extensions.map((e) => e.length);
  if (lengths.some((l) => l < DEFAULT_NUMBERING_PLAN.minLength || l > DEFAULT_NUMBERING_PLAN.maxLength)) {
    const plan = { minLength: Math.min(...lengths, DEFAULT_NUMBERING_PLAN.minLength), maxLength: Math.max(...lengths, DEFAULT_NUMBERING_PLAN.maxLength), reserved: [] };
    config.push(["pbx:numberingPlan", JSON.stringify(plan)]);
  }
  config.push(["pbx:site", options.site]);
  if (options.tenant) config.push(["pbx:tenant", options.tenant]);
  config.push(["pbx:url", options.url]);
  if (options.username) config.push(["pbx:username", options.username]);
  config.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sortedPins = Object.fromEntries(Object.keys(pins).sort(compareKeys).map((e) => [e, pins[e]]));

  return {
    files: {
      "index.ts": indexTs(options, sections, counts, problems, Object.keys(sortedPins).length > 0, requiredSecrets.length > 0),
      "Pulumi.yaml": pulumiYaml(options),
      "package.json": packageJson(options),
      "tsconfig.json": TSCONFIG,
    },
    config,
    pins: sortedPins,
    requiredSecrets,
    counts,
    problems,
  };
}

const SECTION_TITLES: Array<[Kind, string]> = [
  ["user", "Users"],
  ["userGroup", "User groups"],
  ["incomingNumber", "Incoming numbers"],
  ["functionKey", "Function keys"],
  ["forwarding", "Forwardings"],
  ["device", "Devices"],
];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function indexTs(
  o: GenerateOptions,
  sections: Record<Kind, Entry[]>,
  counts: Generated["counts"],
  problems: Problem[],
  hasPins: boolean,
  hasPasswords: boolean,
): string {
  const summary = SECTION_TITLES.map(([k, t]) => plural(counts[k].exported, t.toLowerCase().replace(/s$/, ""))).join(", ");
  const lines = [
    `// PBX site "${o.site}" (${o.driver} driver), exported by \`pulumi-pbx export\`: ${summary}.`,
    "// Every resource has `adopt: true`: the first `pulumi up` takes the existing objects",
    "// over and writes nothing where they already match this program. Fields left out are",
    "// the PBX's defaults (and are not managed); secrets are in the stack's secret config.",
  ];
  if (problems.length > 0) {
    lines.push("//", `// Not in this program (${plural(problems.length, "problem")}; the export's report said why):`);
    for (const p of problems) lines.push(`//   ${p.name}: ${p.message}`);
  }
  if (hasPins || hasPasswords) lines.push('import * as pulumi from "@pulumi/pulumi";');
  lines.push('import * as pbx from "pulumi-pbx";', "");
  // Only where the PBX has an apply step: elsewhere it does nothing but add a
  // pbx.ApplyChanges whose digest a refresh preview cannot know (Wazo models have no
  // revision), so `preview --refresh --expect-no-changes` would never be clean.
  if (capabilitiesOf(o.driver).needsApply) lines.push("pbx.applyChangesOnce();", "");
  else lines.push(`// No pbx.applyChangesOnce(): the ${o.driver} PBX makes every change live at once (no apply step).`, "");
  if (hasPins || hasPasswords) lines.push("const config = new pulumi.Config();");
  if (hasPins) {
    lines.push(
      `// Voicemail PINs by extension: the secret config map \`${PINS_KEY}\` (Pulumi.${o.stack}.yaml).`,
      `const pins = config.requireSecretObject<Record<string, string>>(${JSON.stringify(PINS_KEY)});`,
      "const pin = (extension: string) => pins.apply((p) => p[extension]);",
    );
  }
  if (hasPins || hasPasswords) lines.push("");
  // A variable only where something refers to the object.
  const all = SECTION_TITLES.flatMap(([k]) => sections[k]);
  const used = new Set<string>();
  for (const e of all) for (const m of e.text.matchAll(/\b(\w+)\.id\b/g)) used.add(m[1]);
  const textOf = (e: Entry) => e.text.replace(/^const (\w+) = (new pbx\.)/m, (whole, v: string, rest: string) => (used.has(v) ? whole : rest));
  let text = lines.join("\n") + "\n";
  for (const [kind, title] of SECTION_TITLES) {
    if (sections[kind].length === 0) continue;
    text += `// ---- ${title} (${sections[kind].length}) ----\n\n`;
    text += sections[kind].map(textOf).join("\n") + "\n";
  }
  return text;
}

function pulumiYaml(o: GenerateOptions): string {
  return [
    `name: ${o.project}`,
    `description: ${JSON.stringify(`PBX site ${o.site} (${o.driver}), exported by pulumi-pbx export`)}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    "main: index.ts",
    "",
  ].join("\n");
}

function packageJson(o: GenerateOptions): string {
  return (
    JSON.stringify(
      {
        name: o.project,
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": o.pulumiVersion, "pulumi-pbx": o.pulumiPbxVersion },
        devDependencies: { "@types/node": "^20.19.0", typescript: "~5.9.3" },
      },
      null,
      2,
    ) + "\n"
  );
}

const TSCONFIG =
  JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
      },
      files: ["index.ts"],
    },
    null,
    2,
  ) + "\n";
