/**
 * Connection settings, read by the providers' `configure` from stack config, with
 * environment fallbacks. Tokens live only here, in the provider process: they are
 * never resource inputs and never captured in a serialized provider.
 *
 * | stack config          | env               | meaning                                        |
 * |-----------------------|-------------------|------------------------------------------------|
 * | `pbx:url`             | `PBX_URL`         | base URL of the PBX API                        |
 * | `pbx:token` (secret)  | `PBX_TOKEN`       | bearer token                                   |
 * | `pbx:site`            | `PBX_SITE`        | default site of resources that set none        |
 * | `pbx:sites`           |                   | `{ "<site>": { url?, token?, numberingPlan? } }` for one program over many sites |
 * | `pbx:applyChanges`    | `PBX_APPLY_CHANGES` | `auto` (default) or `never` (leave changes saved for a human to apply) |
 * | `pbx:numberingPlan`   |                   | `{ minLength, maxLength, reserved: [{from, to}] }` checked at preview |
 */
import { z } from "zod";
import { DEFAULT_NUMBERING_PLAN, NumberingPlan, NumberingPlanSchema } from "../sdk/schemas/site";

/** What `configure` hands us: the dynamic provider's config bag. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type { NumberingPlan };

const SiteEntrySchema = z.object({
  url: z.string().url().optional(),
  token: z.string().min(1).optional(),
  numberingPlan: NumberingPlanSchema.optional(),
});

export interface Connection {
  site: string;
  url: string;
  token: string;
}

export interface Settings {
  url?: string;
  token?: string;
  site?: string;
  sites: Record<string, z.infer<typeof SiteEntrySchema>>;
  applyChanges: "auto" | "never";
  numberingPlan: NumberingPlan;
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
  return {
    url: get("pbx:url", "PBX_URL"),
    token: get("pbx:token", "PBX_TOKEN"),
    site: get("pbx:site", "PBX_SITE"),
    sites: sites.data,
    applyChanges,
    numberingPlan: plan.data,
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

/** URL and token for a site; a missing one is an error that says which config to set. */
export function connectionFor(settings: Settings, site: string): Connection {
  const entry = settings.sites[site] ?? {};
  const url = entry.url ?? settings.url;
  const token = entry.token ?? settings.token;
  if (!url) throw new Error(`no PBX URL for site "${site}": set pbx:url (or PBX_URL), or pbx:sites.${site}.url`);
  if (!token) throw new Error(`no PBX token for site "${site}": set pbx:token --secret (or PBX_TOKEN), or pbx:sites.${site}.token`);
  return { site, url, token };
}
