/**
 * The e2e harness: runs programs through the real pulumi CLI (built or installed by
 * scripts/ensure-pulumi-cli.sh) on a temporary local file backend with a passphrase
 * secrets provider. Programs install pulumi-pbx the way a user's `npm install
 * file:…` does (a symlink in node_modules), so the dynamic providers' closures are
 * serialized and loaded exactly as a user will meet them.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export { cliBinDir, cliVersion, repoRoot } from "../../scripts/pulumiCli";
import { cliBinDir, repoRoot } from "../../scripts/pulumiCli";

export interface RunResult {
  /** The CLI's exit code (7 from `preview --expect-no-changes` means changes were found). */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what a user sees. */
  output: string;
}

export interface ProjectOptions {
  /** Project name in Pulumi.yaml. */
  name?: string;
  /** Files of the program, by relative path (index.js, Pulumi.yaml are written if missing). */
  files?: Record<string, string>;
  /** Copy this directory as the program instead (its node_modules is not copied). */
  fromDir?: string;
  /** Extra environment for every CLI call (e.g. PBX_URL). */
  env?: Record<string, string>;
}

let seq = 0;

/** A Pulumi project in a temporary directory with its own local backend. */
export class PulumiProject {
  readonly dir: string;
  readonly workDir: string;
  readonly env: Record<string, string>;
  stackName = "dev";

  private constructor(workDir: string, dir: string, env: Record<string, string>) {
    this.workDir = workDir;
    this.dir = dir;
    this.env = env;
  }

  static create(opts: ProjectOptions = {}): PulumiProject {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pbx-e2e-${process.pid}-${seq++}-`));
    const dir = path.join(workDir, "program");
    fs.mkdirSync(dir);
    if (opts.fromDir) copyDir(opts.fromDir, dir);
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const name = opts.name ?? "pbx-e2e";
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`);
    }
    if (!fs.existsSync(path.join(dir, "package.json"))) {
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name, main: "index.js", dependencies: { "pulumi-pbx": `file:${repoRoot}` } }, null, 2),
      );
    }
    linkDependencies(dir);
    const backend = path.join(workDir, "state");
    fs.mkdirSync(backend);
    const home = path.join(workDir, "pulumi-home");
    fs.mkdirSync(home);
    const env: Record<string, string> = {
      PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
      ...(opts.env ?? {}),
    };
    return new PulumiProject(workDir, dir, env);
  }

  /** Replaces a file of the program. */
  writeFile(rel: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, rel), text);
  }

  /** Runs `pulumi <args>` in the program directory. */
  run(args: string[], extraEnv: Record<string, string> = {}, input?: string, signal?: AbortSignal): Promise<RunResult> {
    return runCommand(path.join(cliBinDir(), "pulumi"), [...args, "--non-interactive"], {
      cwd: this.dir,
      env: { ...process.env, ...this.env, ...extraEnv },
      input,
      signal,
    });
  }

  /** Runs `pulumi` and throws with its output unless it exits 0. */
  async ok(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    const r = await this.run(args, extraEnv);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output}`);
    return r;
  }

  async initStack(name = "dev"): Promise<void> {
    this.stackName = name;
    await this.ok(["stack", "init", name]);
  }

  async selectStack(name: string): Promise<void> {
    this.stackName = name;
    await this.ok(["stack", "select", name]);
  }

  /** `pulumi config set` (with --secret when asked); values go through stdin-free args. */
  async setConfig(key: string, value: string, opts: { secret?: boolean } = {}): Promise<void> {
    await this.ok(["config", "set", key, value, ...(opts.secret ? ["--secret"] : ["--plaintext"]), "--stack", this.stackName]);
  }

  /** `pulumi up`; `signal` kills -9 the CLI and its plugins when aborted (an interrupted run). */
  up(opts: { refresh?: boolean; preview?: boolean; extraArgs?: string[]; signal?: AbortSignal } = {}): Promise<RunResult> {
    return this.run([
      "up", "--yes", "--stack", this.stackName,
      ...(opts.preview ? [] : ["--skip-preview"]),
      ...(opts.refresh ? ["--refresh"] : []),
      ...(opts.extraArgs ?? []),
    ], {}, undefined, opts.signal);
  }

  preview(opts: { refresh?: boolean; expectNoChanges?: boolean; diff?: boolean; json?: boolean } = {}): Promise<RunResult> {
    return this.run([
      "preview", "--stack", this.stackName,
      ...(opts.refresh ? ["--refresh"] : []),
      ...(opts.expectNoChanges ? ["--expect-no-changes"] : []),
      ...(opts.diff ? ["--diff"] : []),
      ...(opts.json ? ["--json"] : []),
    ]);
  }

  refresh(): Promise<RunResult> {
    return this.run(["refresh", "--yes", "--skip-preview", "--stack", this.stackName]);
  }

  destroy(): Promise<RunResult> {
    return this.run(["destroy", "--yes", "--skip-preview", "--stack", this.stackName]);
  }

  /** The stack's state as `pulumi stack export` prints it (raw text and parsed). */
  async exportStack(): Promise<{ text: string; deployment: any }> {
    const r = await this.ok(["stack", "export", "--stack", this.stackName]);
    return { text: r.stdout, deployment: JSON.parse(r.stdout) };
  }

  /** Stack outputs, secrets shown (as a user with the passphrase would see them). */
  async outputs(opts: { showSecrets?: boolean } = {}): Promise<Record<string, any>> {
    const r = await this.ok(["stack", "output", "--json", "--stack", this.stackName, ...(opts.showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(r.stdout);
  }

  /** The resources of the stack's state, by URN suffix `type::name`. */
  async resources(): Promise<any[]> {
    const { deployment } = await this.exportStack();
    return deployment.deployment.resources ?? [];
  }

  cleanup(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** Installs the program's dependencies as `npm install file:<repo>` would: by symlink. */
function linkDependencies(dir: string): void {
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(path.join(nm, "@pulumi"), { recursive: true });
  const link = (target: string, at: string) => {
    if (!fs.existsSync(at)) fs.symlinkSync(target, at, "dir");
  };
  link(repoRoot, path.join(nm, "pulumi-pbx"));
  link(path.join(repoRoot, "node_modules", "@pulumi", "pulumi"), path.join(nm, "@pulumi", "pulumi"));
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !/(^|[\\/])(node_modules|\.pulumi-local)([\\/]|$)/.test(path.relative(from, src)),
  });
}

/** Runs a command and collects its output; never throws on a non-zero exit. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; signal?: AbortSignal },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an abort kills -9 the CLI with its plugins and language host.
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"], detached: !!opts.signal });
    opts.signal?.addEventListener("abort", () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (d) => { stdout += d; output += d; });
    child.stderr.on("data", (d) => { stderr += d; output += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output }));
    child.stdin.end(opts.input ?? "");
  });
}

/** Asserts the CLI's exit code, showing what the CLI printed when it differs. */
export function expectCode(r: RunResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit code ${code}, got ${r.code}. Output:\n${r.output}`);
}
