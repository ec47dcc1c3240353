/**
 * A Pulumi project for the benchmark: a temporary directory with its own local
 * file backend, the program installed the way `npm install file:<repo>` installs
 * it (a symlink), and the pinned CLI on PATH. It mirrors test/e2e/harness.ts
 * (which is not part of the build), but exposes the CLI's pid while it runs, so
 * the provider process it starts can be found and measured.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export { cliBinDir, cliVersion, repoRoot } from "../scripts/pulumiCli";
import { cliBinDir, repoRoot } from "../scripts/pulumiCli";

/** What one CLI call did. */
export interface CliResult {
  code: number;
  /** stdout and stderr interleaved, for error messages. */
  output: string;
  /** Wall time from spawn to exit. */
  wallMs: number;
}

/** A program directory plus its private backend and PULUMI_HOME. */
export class BenchProject {
  readonly workDir: string;
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly stack = "bench";

  /**
   * Writes `files` (relative path → text) as the program; Pulumi.yaml and
   * package.json are added. `env` is added to every CLI call.
   */
  constructor(name: string, files: Record<string, string>, env: Record<string, string> = {}) {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pbx-bench-${name}-`));
    this.dir = path.join(this.workDir, "program");
    fs.mkdirSync(this.dir);
    const all: Record<string, string> = {
      "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
      "package.json": JSON.stringify({ name, main: "index.js", dependencies: { "pulumi-pbx": `file:${repoRoot}` } }, null, 2),
      ...files,
    };
    for (const [rel, text] of Object.entries(all)) fs.writeFileSync(path.join(this.dir, rel), text);
    // Symlinks, as npm installs a file: dependency: the dynamic providers then load
    // pulumi-pbx and @pulumi/pulumi exactly as a user's program does.
    const nm = path.join(this.dir, "node_modules");
    fs.mkdirSync(path.join(nm, "@pulumi"), { recursive: true });
    fs.symlinkSync(repoRoot, path.join(nm, "pulumi-pbx"), "dir");
    fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi"), path.join(nm, "@pulumi", "pulumi"), "dir");
    const backend = path.join(this.workDir, "state");
    const home = path.join(this.workDir, "pulumi-home");
    fs.mkdirSync(backend);
    fs.mkdirSync(home);
    this.env = {
      ...process.env,
      PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      ...env,
    };
  }

  /**
   * Runs `pulumi <args> --non-interactive --stack bench`; `onSpawn` receives the
   * CLI process while it runs (to sample its descendants).
   */
  run(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(path.join(cliBinDir(), "pulumi"), [...args, "--non-interactive", "--stack", this.stack], {
        cwd: this.dir,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({ code: code ?? -1, output, wallMs: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
      onSpawn?.(child);
    });
  }

  /** Like `run`, but throws with the CLI's output tail unless it exits 0. */
  async ok(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
    const r = await this.run(args, onSpawn);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output.slice(-4000)}`);
    return r;
  }

  /** Creates the stack and sets its config (`secret` values with --secret). */
  async init(config: Record<string, { value: string; secret?: boolean }>): Promise<void> {
    await this.ok(["stack", "init"]);
    for (const [key, { value, secret }] of Object.entries(config)) {
      await this.ok(["config", "set", key, value, secret ? "--secret" : "--plaintext"]);
    }
  }

  /** Removes the temporary directory (state included). */
  cleanup(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
