#!/usr/bin/env node
/**
 * `pulumi-pbx` command line. Subcommands:
 * - `drift`: audit every stack (or the ones named) for differences between the program and the PBX.
 */
import * as path from "path";
import { Command } from "commander";
import { exitCodeOf, formatJson, formatMarkdown, formatTable, reportOf, StackDrift } from "./drift";
import { auditStack, listStacks, pulumiCli } from "./pulumi";

interface DriftOptions {
  cwd: string;
  stack?: string[];
  json?: boolean;
  markdown?: boolean;
}

/** Runs `drift` and returns the exit code (0 clean, 2 drift, 1 error). */
export async function drift(opts: DriftOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cli = pulumiCli(path.resolve(opts.cwd), env);
  let stacks = opts.stack ?? [];
  if (stacks.length === 0) {
    try {
      stacks = await listStacks(cli);
    } catch (e) {
      process.stderr.write(`pulumi-pbx drift: cannot list stacks: ${(e as Error).message}\n`);
      return 1;
    }
  }
  // One stack at a time: previews of one project share the program's node_modules and
  // the PBX's rate limits, and a sequential log is easier to follow in CI.
  const results: StackDrift[] = [];
  for (const stack of stacks) {
    if (!opts.json && !opts.markdown) process.stderr.write(`auditing ${stack}…\n`);
    results.push(await auditStack(cli, stack));
  }
  const report = reportOf(results);
  const format = opts.json ? formatJson : opts.markdown ? formatMarkdown : formatTable;
  process.stdout.write(format(report));
  return exitCodeOf(report);
}

/** The `pulumi-pbx` program, exposed for tests. */
export function program(): Command {
  const cmd = new Command("pulumi-pbx").description("pulumi-pbx tools");
  cmd
    .command("drift")
    .description("show where the PBX differs from the Pulumi program, per stack, resource and field")
    .option("--cwd <dir>", "Pulumi project directory", process.cwd())
    .option("--stack <name>", "stack to audit (repeatable; default: all stacks of the project)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--json", "print the report as JSON")
    .option("--markdown", "print the report as a markdown table (for a ticket or PR comment)")
    .addHelpText("after", "\nExit codes: 0 no drift, 2 drift found, 1 error.")
    .action(async (opts: DriftOptions) => {
      if (opts.json && opts.markdown) cmd.error("error: --json and --markdown cannot be used together");
      process.exitCode = await drift(opts);
    });
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
