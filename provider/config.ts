/**
 * Connection settings, read by the providers' `configure` from stack config, with
 * environment fallbacks. Tokens live only here, in the provider process: they are
 * never resource inputs and never captured in a serialized provider.
 *
 * | stack config          | env               | meaning                                        |
 * |-----------------------|-------------------|------------------------------------------------|
 * | `pbx:driver`          | `PBX_DRIVER`      | `apiv1` (default) or `wazo`: which API the PBX speaks |
 * | `pbx:url`             | `PBX_URL`         | base URL of the PBX API                        |
 * | `pbx:token` (secret)  | `PBX_TOKEN`       | bearer token (Wazo: a wazo-auth token)         |
 * | `pbx:username`        | `PBX_USERNAME`    | Wazo: wazo-auth user that obtains and renews tokens |
 * | `pbx:password` (secret) | `PBX_PASSWORD`  | Wazo: its password                             |
 * | `pbx:tenant`          | `PBX_TENANT`      | Wazo: tenant uuid of the default site (else looked up by the site's name) |
 * | `pbx:site`            | `PBX_SITE`        | default site of resources that set none        |
 * | `pbx:sites`           |                   | `{ "<site>": { driver?, url?, token?, username?, password?, tenant?, numberingPlan? } }` for one program over many sites |
 * | `pbx:applyChanges`    | `PBX_APPLY_CHANGES` | `auto` (default) or `never` (leave changes saved for a human to apply) |
 * | `pbx:numberingPlan`   |                   | `{ minLength, maxLength, reserved: [{from, to}] }` checked at preview |
 * | `pbx:extensionChange` |                   | `update` or `replace`: a user's new extension is an update in place, or (seed 004: "This cannot be changed later") a replacement; default: the driver's, else `update`. Also per site in `pbx:sites` |
 */
import { z } from "zod";
import { DRIVER_NAMES, DriverConnection, DriverName } from "../sdk/drivers/driver";
import { DEFAULT_NUMBERING_PLAN, NumberingPlan, NumberingPlanSchema } from "../sdk/schemas/site";

/** What `configure` hands us: the dynamic provider's config bag. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type { NumberingPlan };

const DriverNameSchema = z.enum(DRIVER_NAMES as [DriverName, ...DriverName[]]);

const SiteEntrySchema = z
  .object({
    driver: DriverNameSchema.optional(),
    url: z.string().url().optional(),
    token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    tenant: z.string().min(1).optional(),
    confdPath: z.string().startsWith("/").optional(),
    authPath: z.string().startsWith("/").optional(),
    numberingPlan: NumberingPlanSchema.optional(),
    /** Seed 004: this site's PBX cannot change an extension, so a new one replaces the user. */
    extensionChange: z.enum(["update", "replace"]).optional(),
  })
  .strict();

/** How to reach a site: its driver and the driver's connection. */
export interface Connection extends DriverConnection {
  driver: DriverName;
}

export interface Settings {
  driver: DriverName;
  url?: string;
  token?: string;
  username?: string;
  password?: string;
  tenant?: string;
  site?: string;
  sites: Record<string, z.infer<typeof SiteEntrySchema>>;
  applyChanges: "auto" | "never";
  numberingPlan: NumberingPlan;
  /** `pbx:extensionChange`, when set. */
  extensionChange?: "update" | "replace";
}

function parseJson(key: string, text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`config ${key} must be JSON (pulumi config set --path or a JSON string)`);
  }
}

function describe(key: string, err: z.ZodError): string {
  return `config ${key} is invalid: ` + err.issues.map((i) => `${[key, ...i.path].join(".")}: ${i.message}`).join("; ");
}

/** Reads and validates the settings; a problem is an error naming the config key. */
export function readSettings(config: ConfigSource, env: NodeJS.ProcessEnv = process.env): Settings {
  const get = (key: string, envName?: string) => {
    const v = config.get(key);
    if (v !== undefined && v !== "") return v;
    return envName ? env[envName] || undefined : undefined;
  };
  const sitesRaw = parseJson("pbx:sites", get("pbx:sites")) ?? {};
  const sites = z.record(z.string(), SiteEntrySchema).safeParse(sitesRaw);
  if (!sites.success) throw new Error(describe("pbx:sites", sites.error));
  const planRaw = parseJson("pbx:numberingPlan", get("pbx:numberingPlan")) ?? DEFAULT_NUMBERING_PLAN;
  const plan = NumberingPlanSchema.safeParse(planRaw);
  if (!plan.success) throw new Error(describe("pbx:numberingPlan", plan.error));
  const applyChanges = get("pbx:applyChanges", "PBX_APPLY_CHANGES") ?? "auto";
  if (applyChanges !== "auto" && applyChanges !== "never") {
    throw new Error(`config pbx:applyChanges must be "auto" or "never", not "${applyChanges}"`);
  }
  const extensionChange = get("pbx:extensionChange");
  if (extensionChange !== undefined && extensionChange !== "update" && extensionChange !== "replace") {
    throw new Error(`config pbx:extensionChange must be "update" or "replace", not "${extensionChange}"`);
  }
  const driver = get("pbx:driver", "PBX_DRIVER") ?? "apiv1";
  if (!DriverNameSchema.safeParse(driver).success) {
    throw new Error(`config pbx:driver must be one of ${DRIVER_NAMES.join(", ")}, not "${driver}"`);
  }
  return {
    driver: driver as DriverName,
    url: get("pbx:url", "PBX_URL"),
    token: get("pbx:token", "PBX_TOKEN"),
    username: get("pbx:username", "PBX_USERNAME"),
    password: get("pbx:password", "PBX_PASSWORD"),
    tenant: get("pbx:tenant", "PBX_TENANT"),
    site: get("pbx:site", "PBX_SITE"),
    sites: sites.data,
    applyChanges,
    numberingPlan: plan.data,
    ...(extensionChange ? { extensionChange } : {}),
  };
}

/** The site a resource belongs to: its own `site`, else `pbx:site`. */
export function siteOf(settings: Settings, site: string | undefined): string | undefined {
  return site ?? settings.site;
}

/** The numbering plan in force on a site (pbx:sites entry, else pbx:numberingPlan). */
export function numberingPlanOf(settings: Settings, site: string | undefined): NumberingPlan {
  return (site && settings.sites[site]?.numberingPlan) || settings.numberingPlan;
}

/** The driver of a site (its pbx:sites entry, else pbx:driver). */
export function driverOf(settings: Settings, site: string | undefined): DriverName {
  return (site && settings.sites[site]?.driver) || settings.driver;
}

/**
 * How to reach a site; a missing setting is an error that says which config to
 * set. A site with its own pbx:sites entry takes its credentials from there
 * only when it names any, so one site's token is never sent to another PBX.
 */
export function connectionFor(settings: Settings, site: string): Connection {
  const entry = settings.sites[site] ?? {};
  const driver = driverOf(settings, site);
  const url = entry.url ?? settings.url;
  const ownCredentials = entry.token !== undefined || entry.username !== undefined;
  const token = ownCredentials ? entry.token : settings.token;
  const username = ownCredentials ? entry.username : settings.username;
  const password = ownCredentials ? entry.password : settings.password;
  const tenant = entry.tenant ?? (site === settings.site ? settings.tenant : undefined);
  if (!url) throw new Error(`no PBX URL for site "${site}": set pbx:url (or PBX_URL), or pbx:sites.${site}.url`);
  if (!token && !(driver === "wazo" && username && password)) {
    const wazo = driver === "wazo" ? " (or pbx:username and pbx:password --secret for wazo-auth)" : "";
    throw new Error(`no PBX token for site "${site}": set pbx:token --secret (or PBX_TOKEN)${wazo}, or pbx:sites.${site}.token`);
  }
  return { driver, site, url, token, username, password, tenant, confdPath: entry.confdPath, authPath: entry.authPath };
}
