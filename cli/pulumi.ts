/**
 * Drift audit, the process half: runs the user's `pulumi` CLI with their environment
 * as-is (backend URL, passphrase, access token…), so the audit sees exactly what
 * `pulumi preview` would show them.
 */
import { spawn } from "child_process";
import { parsePreview, StackDrift } from "./drift";

/** Where and how to run the CLI. */
export interface PulumiCli {
  /** The executable: `PULUMI_CLI` or `pulumi` from PATH. */
  command: string;
  /** The Pulumi project directory. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The CLI to use for `cwd`, from the environment. */
export function pulumiCli(cwd: string, env: NodeJS.ProcessEnv = process.env): PulumiCli {
  return { command: env.PULUMI_CLI || "pulumi", cwd, env };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cli: PulumiCli, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(cli.command, [...args, "--non-interactive"], {
      cwd: cli.cwd,
      env: cli.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // A missing executable is an error result, not a crash: the report names it.
    child.on("error", (e) => resolve({ code: -1, stdout, stderr: `cannot run ${cli.command}: ${e.message}` }));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The project's stack names, from `pulumi stack ls --json`. Throws with the CLI's message on failure. */
export async function listStacks(cli: PulumiCli): Promise<string[]> {
  const r = await run(cli, ["stack", "ls", "--json"]);
  if (r.code !== 0) throw new Error(r.stderr.trim() || `pulumi stack ls exited ${r.code}`);
  const stacks = JSON.parse(r.stdout) as { name: string }[];
  return stacks.map((s) => s.name);
}

/**
 * One stack's drift: a refresh preview, which reads every resource from the PBX and
 * diffs the program against it, without writing state or touching the PBX.
 *
 * `--run-program`: without it the engine refreshes with the provider configuration the
 * last `up` recorded in the state, so after a change of `pbx:url` or a rotated
 * `pbx:token` the audit would still call the old PBX with the old token; with it, the
 * refresh uses the stack's config as it is now, as the rest of the preview does.
 */
export async function auditStack(cli: PulumiCli, stack: string): Promise<StackDrift> {
  const r = await run(cli, ["preview", "--refresh", "--run-program", "--json", "--diff", "--stack", stack]);
  return parsePreview(stack, r.stdout, r.code, r.stderr);
}
