/**
 * The standard office layout rolled out to every site of inventory.json: the
 * site's people, a "Reception" group, the site's main number ringing it, and
 * busy-lamp keys on the reception phones for each colleague.
 *
 * One program and one stack over all sites, connected through `pbx:sites`,
 * rather than one stack per site, because the inventory *is* the fleet:
 *   - one `pulumi preview` reviews the whole rollout, and every site gets the
 *     layout from the same run of the same program, so sites cannot drift
 *     apart by being deployed from different commits;
 *   - a new site is one inventory entry plus its token, not a new stack to
 *     create and configure;
 *   - each site still talks to its own PBX with its own site-scoped token (the
 *     provider keeps one client per site); a token for one site cannot touch
 *     another (the PBX answers 403);
 *   - a site may speak another PBX API: an inventory entry with
 *     `"driver": "wazo"` and its wazo-auth `username` is a Wazo Platform
 *     tenant, reached with that login (its password is secret config); the
 *     others speak API v1. The layout uses only what both can express.
 * Choose one stack per site instead when sites have separate owners or
 * maintenance windows; `pulumi up --target` covers a one-off canary here.
 *
 * Connection: inventory.json holds each site's URL, driver and numbering plan;
 * the tokens (and Wazo passwords) are secret stack config. `sites-config.js` joins the two into
 * `pbx:sites` (see its header), and the program refuses to run when that
 * config no longer matches the inventory. To retire a site, empty its `users`
 * and run `pulumi up` before removing its entry, so the provider can still
 * reach it to delete what it made.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as pbx from "pulumi-pbx";

// Save every change as the run goes and apply each site once at the end (seed 000:
// Save, then "Apply changes"), instead of one apply per burst of writes.
pbx.applyChangesOnce();

interface NumberingPlan {
  minLength: number;
  maxLength: number;
  reserved?: { from: string; to: string }[];
}

interface InventoryUser {
  /** Stable key of the person (resource name), unlike the extension, which may be renumbered. */
  key: string;
  extension: string;
  firstName: string;
  lastName: string;
  email?: string;
  /** Member of the Reception group that the main number rings. */
  reception?: boolean;
  /**
   * Hot desking (seed 002 "Login required"): the phone asks the person to log
   * in first. API v1 sites only: Wazo has no such user flag, and the preview
   * says so (driver_unsupported) rather than deploy something else.
   */
  loginRequired?: boolean;
}

interface InventorySite {
  site: string;
  url: string;
  /** Which API the site's PBX speaks: "apiv1" (default) or "wazo". */
  driver?: "apiv1" | "wazo";
  /** Wazo: the wazo-auth login the provider uses (its password is in pbx:sites). */
  username?: string;
  numberingPlan: NumberingPlan;
  /** E.164 number that rings reception. */
  mainNumber: string;
  users: InventoryUser[];
}

const config = new pulumi.Config();
const inventoryFile = path.resolve(__dirname, config.get("inventory") ?? "inventory.json");
const inventory: { sites: InventorySite[] } = JSON.parse(fs.readFileSync(inventoryFile, "utf8"));

/**
 * Fails before any resource is declared when `pbx:sites` and the inventory
 * disagree. The raw runtime getter reads the secret config without Config's
 * "use getSecret" warning; only URLs and plans are compared, nothing is printed.
 */
function checkConnections(sites: InventorySite[]): void {
  const raw = pulumi.runtime.getConfig("pbx:sites");
  type Entry = { driver?: string; url?: string; token?: string; username?: string; password?: string; numberingPlan?: NumberingPlan };
  const configured: Record<string, Entry> = raw ? JSON.parse(raw) : {};
  const plan = (p?: NumberingPlan) => JSON.stringify(p && { minLength: p.minLength, maxLength: p.maxLength, reserved: p.reserved ?? [] });
  const problems: string[] = [];
  for (const s of sites) {
    const c = configured[s.site];
    const wazo = s.driver === "wazo";
    if (wazo ? !c?.password : !c?.token) problems.push(`no ${wazo ? "password" : "token"} for site "${s.site}" in pbx:sites`);
    else if ((c.driver ?? "apiv1") !== (s.driver ?? "apiv1")) problems.push(`pbx:sites.${s.site}.driver is ${c.driver ?? "apiv1"}, the inventory says ${s.driver ?? "apiv1"}`);
    else if (wazo && c.username !== s.username) problems.push(`pbx:sites.${s.site}.username is ${c.username ?? "unset"}, the inventory says ${s.username ?? "unset"}`);
    else if (c.url !== s.url) problems.push(`pbx:sites.${s.site}.url is ${c.url ?? "unset"}, the inventory says ${s.url}`);
    else if (plan(c.numberingPlan) !== plan(s.numberingPlan)) problems.push(`pbx:sites.${s.site}.numberingPlan differs from the inventory`);
  }
  if (problems.length) {
    throw new Error(
      `stack config pbx:sites does not match ${path.basename(inventoryFile)}:\n  ${problems.join("\n  ")}\n` +
        `set each site's PBX_TOKEN_<SITE> (Wazo sites: PBX_PASSWORD_<SITE>) and run: node sites-config.js | pulumi config set --secret pbx:sites`,
    );
  }
}

function rollOut(s: InventorySite) {
  const site = s.site;
  const users: Record<string, pbx.User> = {};
  for (const u of s.users) {
    users[u.key] = new pbx.User(`${site}-${u.key}`, {
      site,
      extension: u.extension,
      firstName: u.firstName,
      lastName: u.lastName,
      ...(u.email ? { email: u.email } : {}),
      ...(u.loginRequired ? { loginRequired: true } : {}),
      voicemail: { enabled: true, ringsBeforeVoicemail: 4 },
    });
  }
  const receptionists = s.users.filter((u) => u.reception);
  const reception = new pbx.UserGroup(`${site}-reception`, {
    site,
    name: "Reception",
    members: receptionists.map((u) => users[u.key].id),
  });
  new pbx.IncomingNumber(`${site}-main`, {
    site,
    number: s.mainNumber,
    destination: { type: "userGroup", groupId: reception.id },
  });
  // Reception sees who is on the phone: a busy-lamp key per colleague.
  for (const r of receptionists) {
    s.users
      .filter((u) => u.key !== r.key)
      .forEach((u, i) => {
        new pbx.FunctionKey(`${site}-${r.key}-blf-${u.key}`, { site, userId: users[r.key].id, position: i + 1, type: "blf", targetUserId: users[u.key].id });
      });
  }
  return {
    extensions: Object.fromEntries(s.users.map((u) => [u.key, users[u.key].extension])),
    receptionGroupId: reception.id,
  };
}

checkConnections(inventory.sites);

export const sites = Object.fromEntries(inventory.sites.map((s) => [s.site, rollOut(s)]));
