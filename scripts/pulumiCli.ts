/**
 * Where the repository and the pinned pulumi CLI are, for everything that runs the
 * CLI (the main job, the e2e harness, the benchmark). The CLI itself is installed by
 * scripts/ensure-pulumi-cli.sh.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository root, from the source tree or from dist/. */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json")) || path.basename(dir) === "dist") {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The pinned CLI version: the npm `pulumi` launcher's version in package.json. */
export const cliVersion: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).devDependencies.pulumi;

/** The directory holding the pinned pulumi CLI, language host and dynamic-provider launcher. */
export function cliBinDir(): string {
  const home = process.env.PULUMI_CLI_HOME ?? path.join(os.homedir(), ".pulumi");
  const dir = path.join(home, "versions", cliVersion, "bin");
  for (const exe of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!fs.existsSync(path.join(dir, exe))) {
      throw new Error(`${exe} v${cliVersion} is not in ${dir}: run \`npm run pulumi:ensure\` first`);
    }
  }
  return dir;
}
