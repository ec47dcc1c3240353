/**
 * The main job (`npm start`): starts the embedded PBX emulator on its data file,
 * makes sure site "office" exists, and runs `pulumi up` of examples/basic on a
 * local file backend with a generated passphrase. Everything it keeps lives in
 * `.pulumi-local/` (gitignored): the emulator's database, the admin and site
 * tokens and the passphrase (files readable by you only), and the Pulumi state.
 * A second run changes nothing.
 *
 *   npm start                 run it, then stop the emulator
 *   npm start -- --serve      keep the emulator running afterwards (Ctrl-C stops it)
 *   npm start -- --port 8787  emulator port (default: 8787, or a free one if taken)
 */
import { spawn } from "child_process";
import { randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { startEmulator } from "../emulator";
import { startWazoEmulator } from "../emulator/wazo";
import { cliBinDir, repoRoot } from "./pulumiCli";
import { PbxClient } from "../sdk/drivers/apiv1/client";
import { PbxConflictError } from "../sdk/errors";

const root = repoRoot;
const local = path.join(root, ".pulumi-local");
const SITE = "office";
const DRIVERS = ["apiv1", "wazo"] as const;
type Driver = (typeof DRIVERS)[number];

/** Usage, for a bad option. */
const USAGE = "usage: npm start -- [--serve] [--port N] [--driver apiv1|wazo]";

interface Args {
  serve: boolean;
  port: number;
  driver: Driver;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { serve: false, port: 8787, driver: "apiv1" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value; ${USAGE}`);
      return v;
    };
    if (a === "--serve") args.serve = true;
    else if (a === "--port") {
      const v = value();
      args.port = Number(v);
      if (!/^\d+$/.test(v) || args.port > 65535) throw new Error(`--port must be a port number (0 for any free one), not "${v}"`);
    } else if (a === "--driver") {
      const v = value();
      if (!(DRIVERS as readonly string[]).includes(v)) throw new Error(`--driver must be one of ${DRIVERS.join(", ")}, not "${v}"`);
      args.driver = v as Driver;
    } else throw new Error(`unknown option ${a}; ${USAGE}`);
  }
  return args;
}

/**
 * A PBX the stack can reach: its URL, the stack config that connects to it (secret
 * values apart, so they are piped to `pulumi config set --secret`), and a way to look at it.
 */
interface RunningPbx {
  url: string;
  /** What `npm start` keeps for this PBX, relative to the repository. */
  dataFile: string;
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  /** A command that shows the site's users, for the printout. */
  lookCommand: string;
  close(): Promise<void>;
}

/** A secret kept in a file of its own (0600), made on first use. */
function secretFile(name: string, make: () => string): string {
  const file = path.join(local, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, make(), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * The program and the dynamic-provider process load this package by name
 * (`pulumi-pbx`, `pulumi-pbx/provider/...`). The program could use the package's
 * self-reference, but the provider process evaluates its serialized code without
 * a file name, and Node then resolves only through node_modules from the working
 * directory. So, as `npm link` would, make `node_modules/pulumi-pbx` point at this
 * package.
 */
function linkSelf(): void {
  const link = path.join(root, "node_modules", "pulumi-pbx");
  let current: string | undefined;
  try {
    current = fs.realpathSync(link);
  } catch {
    current = undefined; // missing, or a dangling link
  }
  if (current === fs.realpathSync(root)) return;
  if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(link);
  else if (fs.existsSync(link)) throw new Error(`${link} exists and is not this package; remove it and run again`);
  fs.symlinkSync(root, link, "dir");
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer().once("error", () => resolve(false)).once("listening", () => srv.close(() => resolve(true)));
    srv.listen(port, "127.0.0.1");
  });
}


/**
 * Runs the pinned pulumi CLI in the repository. `input` goes to its stdin (a secret for
 * `config set --secret`, so it never is on a command line); `quiet` keeps its stdout,
 * which may hold secrets (`config --show-secrets`), off the terminal.
 */
function run(args: string[], env: NodeJS.ProcessEnv, opts: { quiet?: boolean; input?: string } = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(cliBinDir(), "pulumi"), args, { cwd: root, env, stdio: ["pipe", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (!opts.quiet) process.stdout.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
    child.stdin.end(opts.input ?? "");
  });
}

/**
 * Makes the stack's config hold the connection, writing only what differs: an
 * unchanged secret is not re-encrypted, so a second run leaves `Pulumi.<stack>.yaml`
 * as it was. Returns a non-zero exit code when the CLI fails.
 */
async function setStackConfig(stack: string, pbx: RunningPbx, env: NodeJS.ProcessEnv): Promise<number> {
  const current = await run(["config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"], env, { quiet: true });
  if (current.code !== 0) return current.code;
  const now = JSON.parse(current.stdout || "{}") as Record<string, { value?: string; secret?: boolean }>;
  const wanted = [
    ...Object.entries(pbx.config).map(([key, value]) => ({ key, value, secret: false })),
    ...Object.entries(pbx.secretConfig).map(([key, value]) => ({ key, value, secret: true })),
  ];
  for (const { key, value, secret } of wanted) {
    if (now[key]?.value === value && Boolean(now[key]?.secret) === secret) continue;
    const args = ["config", "set", ...(secret ? ["--secret", key] : [key, value]), "--stack", stack, "--non-interactive"];
    const r = await run(args, env, { quiet: true, input: secret ? value : undefined });
    if (r.code !== 0) return r.code;
  }
  return 0;
}

/** The API v1 emulator on `.pulumi-local/pbx.db`, with site "office" and its own token. */
async function startApiV1(port: number, adminToken: string): Promise<RunningPbx> {
  const dataFile = path.join(local, "pbx.db");
  const emu = await startEmulator({ dataFile, adminToken, port });
  try {
    // The site and its own token, made once; the admin token stays with the emulator.
    const admin = new PbxClient({ url: emu.url, token: adminToken, site: SITE });
    const tokenFile = path.join(local, "site-token");
    let siteToken = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, "utf8").trim() : "";
    try {
      const created = await admin.sites.create({ name: SITE });
      siteToken = created.token;
      fs.writeFileSync(tokenFile, siteToken, { mode: 0o600 });
    } catch (err) {
      if (!(err instanceof PbxConflictError)) throw err;
    }
    return {
      url: emu.url,
      dataFile: path.relative(root, dataFile),
      config: { "pbx:driver": "apiv1", "pbx:url": emu.url, "pbx:site": SITE },
      secretConfig: { "pbx:token": siteToken || adminToken },
      lookCommand: `curl -H "Authorization: Bearer $(cat .pulumi-local/site-token)" ${emu.url}/api/v1/sites/${SITE}/users`,
      close: () => emu.close(),
    };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

/**
 * The Wazo-shaped emulator on `.pulumi-local/wazo.db`, with tenant "office" (its
 * uuid kept in a file, so later runs find it) and a wazo-auth login for the stack,
 * whose password is made once and kept in `.pulumi-local/wazo-password`.
 */
async function startWazo(port: number, adminToken: string): Promise<RunningPbx> {
  const dataFile = path.join(local, "wazo.db");
  const tenantUuid = secretFile("wazo-tenant", () => randomUUID());
  const password = secretFile("wazo-password", () => randomBytes(18).toString("base64url"));
  const username = "pulumi";
  const emu = await startWazoEmulator({ dataFile, adminToken, port });
  try {
    const wazo = emu.app.wazo;
    if (!wazo.tenant(tenantUuid)) emu.createTenant(SITE, { uuid: tenantUuid, slug: SITE });
    if (!wazo.checkPassword(username, password)) emu.createAuthUser(tenantUuid, username, password);
    return {
      url: emu.url,
      dataFile: path.relative(root, dataFile),
      config: { "pbx:driver": "wazo", "pbx:url": emu.url, "pbx:site": SITE, "pbx:tenant": tenantUuid, "pbx:username": username },
      secretConfig: { "pbx:password": password },
      lookCommand: `curl -H "X-Auth-Token: $(cat .pulumi-local/admin-token)" -H "Wazo-Tenant: ${tenantUuid}" ${emu.confdUrl}/users`,
      close: () => emu.close(),
    };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // One stack per driver: a stack's state holds one PBX's object ids.
  const stack = args.driver === "apiv1" ? "office" : `office-${args.driver}`;

  linkSelf();
  fs.mkdirSync(path.join(local, "state"), { recursive: true });
  const adminToken = secretFile("admin-token", () => `adm_${randomBytes(24).toString("hex")}`);
  const passphrase = secretFile("passphrase", () => randomBytes(24).toString("base64url"));

  const port = (await portFree(args.port)) ? args.port : 0;
  const pbx = await (args.driver === "apiv1" ? startApiV1 : startWazo)(port, adminToken);
  console.log(`PBX emulator (${args.driver}): ${pbx.url} (data ${pbx.dataFile})`);
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_BACKEND_URL: `file://${path.join(local, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // A plain `pulumi up` type-checks the example (examples/basic/tsconfig.json);
      // here ts-node only runs it, which halves the time. PULUMI_NODEJS_TRANSPILE_ONLY=false checks.
      PULUMI_NODEJS_TRANSPILE_ONLY: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true",
    };
    // The connection is the stack's config, not this process's environment: a PBX_*
    // variable of the caller's shell must not reach another PBX than the config says,
    // and what runs here is what a later `pulumi refresh` of the stack runs.
    for (const name of Object.keys(env)) if (name.startsWith("PBX_")) delete env[name];

    const select = await run(["stack", "select", stack, "--create", "--non-interactive"], env, { quiet: true });
    if (select.code !== 0) return select.code;
    const configured = await setStackConfig(stack, pbx, env);
    if (configured !== 0) return configured;
    const up = await run(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack], env);
    if (up.code !== 0) return up.code;

    const outputs = await run(["stack", "output", "--json", "--stack", stack], env, { quiet: true });
    console.log(`\nStack outputs:\n${outputs.stdout}`);
    // Paths as the user's shell needs them; the passphrase by file, never printed.
    const backend = `PULUMI_BACKEND_URL=file://${path.join(local, "state")} PULUMI_CONFIG_PASSPHRASE_FILE=${path.join(local, "passphrase")}`;
    const stackFile = `Pulumi.${stack}.yaml`;
    const keys = `${Object.keys(pbx.config).join(", ")}; ${Object.keys(pbx.secretConfig).join(", ")} as a secret`;
    if (!args.serve) {
      console.log(`The stack's connection (${keys}) is in ${stackFile}.
The emulator has stopped. To keep it running and audit the stack:
  npm start -- --serve${args.driver === "apiv1" ? "" : ` --driver ${args.driver}`}`);
      return 0;
    }
    console.log(`Serving ${pbx.url} (driver ${args.driver}, site ${SITE}, stack ${stack}); Ctrl-C to stop.
The stack's connection (${keys}) is in ${stackFile}. In another terminal, from ${root}:
  export ${backend}
  npx pulumi-pbx drift --stack ${stack}             # 0 no drift, 2 drift (edit something in the PBX first)
  npx pulumi preview --refresh --diff --stack ${stack}
  npx pulumi refresh --stack ${stack}
  ${pbx.lookCommand}${args.driver === "apiv1" ? `
Console: ${pbx.url}/console   (sign in with the token in .pulumi-local/site-token, or .pulumi-local/admin-token for every site)` : ""}`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    return 0;
  } finally {
    await pbx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
