#!/usr/bin/env node
/**
 * `pulumi-pbx` command line. Subcommands:
 * - `drift`: audit every stack (or the ones named) for differences between the program and the PBX.
 */
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { exitCodeOf, formatJson, formatMarkdown, formatTable, reportOf, StackDrift } from "./drift";
import { registerExport } from "./export";
import { mapLimit } from "./limit";
import { auditStack, listStacks, pulumiCli } from "./pulumi";

/** How many stacks `drift` previews at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 4;

export interface DriftOptions {
  cwd: string;
  stack?: string[];
  json?: boolean;
  markdown?: boolean;
  /** Stacks previewed at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
}

/** What `drift` needs from the pulumi CLI; tests pass a fake. */
export interface DriftRunner {
  listStacks(): Promise<string[]>;
  auditStack(stack: string): Promise<StackDrift>;
}

/** Where `drift` writes: the report on stdout, progress and failures on stderr. */
export interface DriftOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The real runner: the user's pulumi CLI in `cwd`, with `env` as-is. */
export function pulumiRunner(cwd: string, env: NodeJS.ProcessEnv = process.env): DriftRunner {
  const cli = pulumiCli(path.resolve(cwd), env);
  return { listStacks: () => listStacks(cli), auditStack: (stack) => auditStack(cli, stack) };
}

const processOutput: DriftOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs `drift` and returns the exit code (0 clean, 2 drift, 1 error). */
export async function drift(
  opts: DriftOptions,
  runner: DriftRunner = pulumiRunner(opts.cwd),
  out: DriftOutput = processOutput,
): Promise<number> {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  let stacks = opts.stack ?? [];
  if (stacks.length === 0) {
    try {
      stacks = await runner.listStacks();
    } catch (e) {
      out.stderr(`pulumi-pbx drift: cannot list stacks: ${(e as Error).message}\n`);
      return 1;
    }
  }
  // Previews run side by side (each is mostly waiting on the PBX and the engine), a few
  // at a time so the PBX's rate limit and the machine's cores are not swamped; the report
  // keeps the order in which the stacks were named or listed.
  const results = await mapLimit(stacks, concurrency, async (stack) => {
    if (!opts.json && !opts.markdown) out.stderr(`auditing ${stack}…\n`);
    return runner.auditStack(stack);
  });
  const report = reportOf(results);
  const format = opts.json ? formatJson : opts.markdown ? formatMarkdown : formatTable;
  out.stdout(format(report));
  return exitCodeOf(report);
}

/** More previews at once than this only queue on the CPU and the PBX's rate limit. */
const MAX_CONCURRENCY = 64;

/** `--concurrency`'s value: a whole number from 1 to 64. */
export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  return n;
}

/** The `pulumi-pbx` program, exposed for tests. */
export function program(): Command {
  const cmd = new Command("pulumi-pbx").description("pulumi-pbx tools");
  cmd
    .command("drift")
    .description("show where the PBX differs from the Pulumi program, per stack, resource and field")
    .option("--cwd <dir>", "Pulumi project directory", process.cwd())
    .option("--stack <name>", "stack to audit (repeatable; default: all stacks of the project)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--concurrency <n>", `stacks previewed at once (1–${MAX_CONCURRENCY}, default ${DEFAULT_CONCURRENCY})`, parseConcurrency)
    .option("--json", "print the report as JSON")
    .option("--markdown", "print the report as a markdown table (for a ticket or PR comment)")
    .addHelpText("after", "\nExit codes: 0 no drift, 2 drift found, 1 error.")
    .action(async (opts: DriftOptions) => {
      if (opts.json && opts.markdown) cmd.error("error: --json and --markdown cannot be used together");
      process.exitCode = await drift(opts);
    });
  registerExport(cmd); // `export`: cli/export/
  return cmd;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((e: Error) => {
      process.stderr.write(`pulumi-pbx: ${e.message}\n`);
      process.exitCode = 1;
    });
}
