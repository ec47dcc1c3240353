/**
 * `pulumi-pbx export`: an existing PBX site as a runnable Pulumi program
 * (brownfield adoption: dynamic resources cannot be `pulumi import`ed,
 * pulumi/pulumi#16175, so the program adopts instead).
 *
 * Reads every object through the driver layer (so it works for every driver),
 * writes `Pulumi.yaml`, `package.json`, `tsconfig.json`, `index.ts` and
 * `Pulumi.<stack>.yaml` into `--out`, and reports on stderr: progress, then a
 * summary with whatever could not be expressed. Credentials come from the
 * environment or a hidden prompt, never from a flag; no secret is printed.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { createDriver as realCreateDriver, isDriverName } from "../../sdk/drivers";
import type { Driver, DriverConnection, DriverName, Kind } from "../../sdk/drivers/driver";
import { KINDS } from "../../sdk/drivers/driver";
import { credentialsFor, type PromptInput } from "./credentials";
import { parseRule, Rule, wordOf } from "./filter";
import { generate, Generated, PINS_KEY } from "./generate";
import { Progress } from "./progress";
import { readSite } from "./read";
import { pulumiRunner, PulumiRunner, stackHeader, writeStack } from "./stack";

export interface ExportOptions {
  url: string;
  site: string;
  driver?: string;
  tenant?: string;
  username?: string;
  out: string;
  include?: Rule[];
  exclude?: Rule[];
  /** Pulumi project name (default `pbx-<site>`). */
  project?: string;
  /** Stack name (default the site). */
  stack?: string;
  /** pulumi-pbx version range written in package.json (default `^<this version>`). */
  pulumiPbx?: string;
  /** Requests in flight at most while reading (default {@link DEFAULT_EXPORT_CONCURRENCY}). */
  concurrency?: number;
}

/** Reads in flight by default: a site of 10 000 users is read in seconds, and a hosted PBX's rate limit (429) slows the whole export down on its own. */
export const DEFAULT_EXPORT_CONCURRENCY = 16;

/** What the command touches besides the PBX; tests pass their own. */
export interface ExportIo {
  env: NodeJS.ProcessEnv;
  stdin: PromptInput;
  stderr: { write(text: string): unknown; isTTY?: boolean };
  createDriver(name: DriverName, connection: DriverConnection): Driver;
  pulumi(dir: string, env: NodeJS.ProcessEnv): PulumiRunner;
  now(): number;
}

const processIo = (): ExportIo => ({
  env: process.env,
  stdin: process.stdin,
  stderr: process.stderr,
  createDriver: realCreateDriver,
  pulumi: pulumiRunner,
  now: Date.now,
});

const LABEL: Record<Kind, string> = {
  user: "users",
  incomingNumber: "incoming numbers",
  userGroup: "user groups",
  functionKey: "function keys",
  forwarding: "forwardings",
  device: "devices",
};

/** This package's package.json and folder (for what the exported project depends on). */
function ownPackage(): { version: string; dependencies: Record<string, string>; dir: string } {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (pkg.name === "pulumi-pbx") return { ...pkg, dir };
    }
    if (path.dirname(dir) === dir) throw new Error("cannot find pulumi-pbx's package.json");
  }
}

/**
 * The pulumi-pbx the exported project installs: this version from the registry
 * when this one was installed from it, else (a checkout of the repository) this
 * folder, so that `npm install` in the project works before any release.
 */
function defaultPulumiPbx(pkg: { version: string; dir: string }): string {
  return pkg.dir.split(path.sep).includes("node_modules") ? `^${pkg.version}` : `file:${pkg.dir}`;
}

/** Runs the export; returns the exit code (0 written, 1 error). */
export async function runExport(opts: ExportOptions, io: ExportIo = processIo()): Promise<number> {
  const err = (text: string) => io.stderr.write(text);
  const started = io.now();
  const driverName = opts.driver ?? "apiv1";
  if (!isDriverName(driverName)) {
    err(`pulumi-pbx export: unknown driver "${driverName}" (apiv1 or wazo)\n`);
    return 1;
  }
  let driver: Driver | undefined;
  let progress: Progress | undefined;
  try {
    const secrets = await credentialsFor(driverName, opts.username, io.env, io.stdin, io.stderr);
    driver = io.createDriver(driverName, {
      site: opts.site,
      url: opts.url,
      ...(secrets.token ? { token: secrets.token } : {}),
      ...(opts.username ? { username: opts.username, password: secrets.password } : {}),
      ...(opts.tenant ? { tenant: opts.tenant } : {}),
      maxConcurrency: opts.concurrency ?? DEFAULT_EXPORT_CONCURRENCY,
    });
    err(`reading site "${opts.site}" at ${opts.url} (${driverName})…\n`);
    progress = new Progress(io.stderr);
    const snapshot = await readSite(driver, progress);
    progress.stop();
    const readSeconds = (io.now() - started) / 1000;

    const pkg = ownPackage();
    const project = opts.project ?? `pbx-${opts.site}`;
    const stack = opts.stack ?? opts.site;
    const gen = generate(snapshot, {
      driver: driverName,
      site: opts.site,
      url: opts.url,
      project,
      stack,
      tenant: opts.tenant,
      username: opts.username,
      filter: { include: opts.include ?? [], exclude: opts.exclude ?? [] },
      pulumiPbxVersion: opts.pulumiPbx ?? defaultPulumiPbx(pkg),
      pulumiVersion: pkg.dependencies["@pulumi/pulumi"],
    });

    const out = path.resolve(opts.out);
    fs.mkdirSync(out, { recursive: true });
    for (const [name, text] of Object.entries(gen.files)) {
      const file = path.join(out, name);
      // Unchanged files are left alone (their times too).
      if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
    }
    const stackResult = await writeStack(out, project, stack, stackHeader(opts.site, stack, gen, driverName), gen, io.pulumi(out, io.env));
    err(summary(gen, out, stack, stackResult.stackReady ? undefined : stackResult.stackError, readSeconds, (io.now() - started) / 1000, driverName));
    return 0;
  } catch (e) {
    progress?.stop();
    err(`pulumi-pbx export: ${(e as Error).message}\n`);
    return 1;
  } finally {
    driver?.close();
  }
}

function summary(gen: Generated, out: string, stack: string, stackError: string | undefined, readSeconds: number, totalSeconds: number, driver: string): string {
  const lines = ["", `exported to ${out} in ${totalSeconds.toFixed(1)} s (read ${readSeconds.toFixed(1)} s):`];
  for (const k of KINDS) {
    const c = gen.counts[k];
    const filtered = c.read - c.kept;
    const left = c.kept - c.exported;
    const notes = [filtered ? `${filtered} filtered out` : "", left ? `${left} left out` : ""].filter(Boolean).join(", ");
    lines.push(`  ${LABEL[k].padEnd(17)} ${String(c.exported).padStart(6)} of ${c.read}${notes ? ` (${notes})` : ""}`);
  }
  const pins = Object.keys(gen.pins).length;
  if (pins) lines.push(`  voicemail PINs: ${pins}, in the secret config ${PINS_KEY} of stack ${stack}`);
  if (gen.problems.length > 0) {
    lines.push("", `${gen.problems.length} object${gen.problems.length === 1 ? "" : "s"} not (wholly) in the program:`);
    for (const p of gen.problems) lines.push(`  ${p.name}: ${p.message}`);
  }
  if (gen.requiredSecrets.length > 0) {
    lines.push("", `${gen.requiredSecrets.length} portal password${gen.requiredSecrets.length === 1 ? "" : "s"} to set (the PBX never returns them; see Pulumi.${stack}.yaml):`);
    for (const s of gen.requiredSecrets.slice(0, 10)) lines.push(`  npx pulumi config set --secret ${s.key}   # ${s.who}`);
    if (gen.requiredSecrets.length > 10) lines.push(`  … and ${gen.requiredSecrets.length - 10} more`);
  }
  lines.push("", "next:", `  cd ${out} && npm install`);
  if (stackError) lines.push(`  npx pulumi stack init ${stack}      # the export could not: ${stackError.split("\n")[0]}`);
  lines.push(
    `  ${driver === "wazo" ? "PBX_PASSWORD" : "PBX_TOKEN"}=… npx pulumi up   # adopts every object; writes nothing where the PBX already matches`,
    "",
  );
  return lines.join("\n");
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 256) throw new InvalidArgumentError(`must be a whole number from 1 to 256, not "${v}"`);
  return n;
};

const collect = (v: string, acc: Rule[] = []): Rule[] => {
  try {
    return [...acc, parseRule(v)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** Adds `export` to the `pulumi-pbx` program. */
export function registerExport(cmd: Command): void {
  cmd
    .command("export")
    .description("write an existing PBX site as a runnable Pulumi program that adopts every object")
    .requiredOption("--url <url>", "base URL of the PBX (as pbx:url)")
    .requiredOption("--site <name>", "site (API v1) or tenant (Wazo) to export")
    .requiredOption("--out <dir>", "directory of the Pulumi project to write")
    .option("--driver <name>", "the PBX's API: apiv1 or wazo", "apiv1")
    .option("--tenant <uuid>", "Wazo: tenant uuid (default: looked up by the site's name)")
    .option("--username <name>", "Wazo: wazo-auth login; its password from PBX_PASSWORD or a prompt")
    .option("--include <kind[:regex]>", `export only what matches (repeatable); kinds: user, number, group, key, forwarding, device; the regex matches the whole natural key (user:1[0-9]{3}, key:1001-.*)`, collect)
    .option("--exclude <kind[:regex]>", "leave out what matches (repeatable), after --include", collect)
    .option("--concurrency <n>", `requests in flight at most while reading (default ${DEFAULT_EXPORT_CONCURRENCY})`, positiveInt)
    .option("--project <name>", "Pulumi project name (default pbx-<site>)")
    .option("--stack <name>", "stack of the config file (default: the site)")
    .option("--pulumi-pbx <range>", "pulumi-pbx dependency in package.json (default ^<this version>, or file:<this checkout> when run from one)")
    .addHelpText(
      "after",
      "\nCredentials: PBX_TOKEN (or, for Wazo with --username, PBX_PASSWORD); on a terminal they are asked for without echo." +
        "\nVoicemail PINs are stored with `pulumi config set --secret` in your backend (PULUMI_BACKEND_URL / pulumi login, passphrase as usual)." +
        `\nNames: ${["user-1001", "number-3225550100", "group-sales", "key-1001-3", "forwarding-1001", "device-desk-1001"].join(", ")}. Kinds: ${KINDS.map(wordOf).join(", ")}.` +
        "\nExit codes: 0 written, 1 error.",
    )
    .action(async (opts: ExportOptions) => {
      process.exitCode = await runExport(opts);
    });
}
