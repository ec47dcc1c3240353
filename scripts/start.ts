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
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { startEmulator } from "../emulator";
import { cliBinDir, repoRoot } from "./pulumiCli";
import { PbxClient } from "../sdk/drivers/apiv1/client";
import { PbxConflictError } from "../sdk/errors";

const root = repoRoot;
const local = path.join(root, ".pulumi-local");
const SITE = "office";
const STACK = "office";

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


function run(args: string[], env: NodeJS.ProcessEnv, quiet = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(cliBinDir(), "pulumi"), args, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (!quiet) process.stdout.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const serve = argv.includes("--serve");
  const portArg = argv.indexOf("--port");
  const wanted = portArg >= 0 ? Number(argv[portArg + 1]) : 8787;

  linkSelf();
  fs.mkdirSync(path.join(local, "state"), { recursive: true });
  const adminToken = secretFile("admin-token", () => `adm_${randomBytes(24).toString("hex")}`);
  const passphrase = secretFile("passphrase", () => randomBytes(24).toString("base64url"));

  const port = (await portFree(wanted)) ? wanted : 0;
  const emu = await startEmulator({ dataFile: path.join(local, "pbx.db"), adminToken, port });
  console.log(`PBX emulator: ${emu.url} (data ${path.relative(root, path.join(local, "pbx.db"))})`);
  try {
    // The site and its own token, made once; the admin token stays with the emulator.
    const admin = new PbxClient({ url: emu.url, token: adminToken, site: SITE });
    let siteToken = fs.existsSync(path.join(local, "site-token")) ? fs.readFileSync(path.join(local, "site-token"), "utf8").trim() : "";
    try {
      const created = await admin.sites.create({ name: SITE });
      siteToken = created.token;
      fs.writeFileSync(path.join(local, "site-token"), siteToken, { mode: 0o600 });
    } catch (err) {
      if (!(err instanceof PbxConflictError)) throw err;
    }

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
      // The connection comes from the environment, so nothing about this run's
      // port or token lands in a stack file.
      PBX_URL: emu.url,
      PBX_TOKEN: siteToken || adminToken,
      PBX_SITE: SITE,
    };
    const select = await run(["stack", "select", STACK, "--create", "--non-interactive"], env, true);
    if (select.code !== 0) return select.code;
    const up = await run(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK], env);
    if (up.code !== 0) return up.code;

    const outputs = await run(["stack", "output", "--json", "--stack", STACK], env, true);
    console.log(`\nStack outputs:\n${outputs.stdout}`);
    console.log(`Look at it:
  curl -H "Authorization: Bearer $(cat .pulumi-local/site-token)" ${emu.url}/api/v1/sites/${SITE}/users
  PULUMI_BACKEND_URL=file://$PWD/.pulumi-local/state PULUMI_CONFIG_PASSPHRASE_FILE=.pulumi-local/passphrase npx pulumi stack output --stack ${STACK}
  npm start -- --serve   (keeps the emulator at ${emu.url} running)`);
    if (serve) {
      console.log(`\nServing ${emu.url}; Ctrl-C to stop.`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
    return 0;
  } finally {
    await emu.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
