/**
 * The stack config file of an exported project (`Pulumi.<stack>.yaml`): the
 * connection in plain text and the voicemail PINs as a secret, encrypted by the
 * user's own `pulumi` CLI (`pulumi config set --secret`, the value on stdin), so
 * it is encrypted exactly as Pulumi does it with whatever secrets provider the
 * stack uses (passphrase, cloud KMS, Pulumi Cloud), and no value is on a command
 * line or in a file in clear.
 *
 * The file is ours to lay out (sorted keys, a header saying what to set), but what
 * the user or Pulumi added is kept: other config keys (`pbx:token`, portal
 * passwords), `encryptionsalt` / `secretsprovider`. A PIN map that decrypts to the
 * same value keeps its ciphertext, so exporting an unchanged PBX again leaves the
 * file byte for byte as it was.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Generated } from "./generate";
import { PINS_KEY } from "./generate";

/** Config keys an export writes (others in the file are the user's and are kept). */
const OWN_PBX_KEYS = ["pbx:driver", "pbx:numberingPlan", "pbx:site", "pbx:tenant", "pbx:url", "pbx:username"];

interface ParsedStackFile {
  /** `config:` entries by key: their raw lines (key line first). */
  entries: Map<string, string[]>;
  /** Top-level blocks other than `config:` (encryptionsalt, secretsprovider, …), raw. */
  others: string[][];
}

/** Splits a stack file as Pulumi writes it (two-space indents). */
export function parseStackFile(text: string): ParsedStackFile {
  const entries = new Map<string, string[]>();
  const others: string[][] = [];
  let inConfig = false;
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || /^\s*#/.test(line)) continue; // comments are ours to write
    if (!line.startsWith(" ")) {
      inConfig = /^config:\s*$/.test(line);
      current = inConfig ? undefined : [line];
      if (!inConfig) others.push(current!);
      continue;
    }
    const entry = /^ {2}([^\s#][^:]*(?::[^:\s]+)?):(\s|$)/.exec(line);
    if (inConfig && entry) {
      current = [line];
      entries.set(unquote(entry[1]), current);
    } else current?.push(line);
  }
  return { entries, others };
}

const unquote = (k: string) => (/^".*"$/.test(k) ? (JSON.parse(k) as string) : /^'.*'$/.test(k) ? k.slice(1, -1) : k);

export interface StackFileContent {
  header: string[];
  /** Plain values by key. */
  plain: Array<[string, string]>;
  /** Raw entries kept as they are (the user's keys, the PINs' ciphertext). */
  raw: Map<string, string[]>;
  others: string[][];
}

export function renderStackFile(c: StackFileContent): string {
  const entries = new Map<string, string[]>(c.raw);
  for (const [k, v] of c.plain) entries.set(k, [`  ${k}: ${JSON.stringify(v)}`]);
  const keys = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [...c.header.map((h) => (h ? `# ${h}` : "#")), "config:", ...keys.flatMap((k) => entries.get(k)!)];
  for (const block of c.others) lines.push(...block);
  return lines.join("\n") + "\n";
}

/** How to run the user's pulumi CLI. */
export interface PulumiRunner {
  run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function pulumiRunner(cwd: string, env: NodeJS.ProcessEnv): PulumiRunner {
  const command = env.PULUMI_CLI || "pulumi";
  return {
    run: (args, input) =>
      new Promise((resolve) => {
        const child = spawn(command, [...args, "--non-interactive"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", (e) => resolve({ code: -1, stdout, stderr: `cannot run ${command}: ${e.message}` }));
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.on("error", () => undefined);
        child.stdin.end(input ?? "");
      }),
  };
}

export interface StackResult {
  file: string;
  /** The stack exists in the user's backend (selected in `dir`). */
  stackReady: boolean;
  /** Why not, in the CLI's words, when it is not. */
  stackError?: string;
}

export function stackHeader(site: string, stack: string, gen: Generated, driver: string): string[] {
  const h = [
    `Stack ${stack}: PBX site "${site}", exported by pulumi-pbx export. The connection is below;`,
    driver === "wazo"
      ? "the provider's wazo-auth password comes from PBX_PASSWORD (or npx pulumi config set --secret pbx:password),"
      : "the provider's token comes from PBX_TOKEN (or npx pulumi config set --secret pbx:token),",
    `voicemail PINs are the secret ${PINS_KEY} (npx pulumi config get ${PINS_KEY}).`,
  ];
  if (gen.requiredSecrets.length > 0) {
    h.push("", "Required before `pulumi up` (the PBX never returns portal passwords):");
    for (const s of gen.requiredSecrets) h.push(`  npx pulumi config set --secret ${s.key}   # ${s.who}`);
  }
  return h;
}

/**
 * Writes `Pulumi.<stack>.yaml` in `dir`, makes sure the stack exists in the
 * user's backend, and stores the PINs through `pulumi config set --secret`.
 * Throws when there are PINs and the CLI cannot store them (no backend, no
 * passphrase): the message is the CLI's and names what to set.
 */
export async function writeStack(dir: string, project: string, stack: string, header: string[], gen: Generated, cli: PulumiRunner): Promise<StackResult> {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const pinsKey = `${project}:${PINS_KEY}`;
  const hasPins = Object.keys(gen.pins).length > 0;
  const pinsJson = JSON.stringify(gen.pins);

  const layout = (text: string | undefined): string => {
    const parsed = parseStackFile(text ?? "");
    const raw = new Map([...parsed.entries].filter(([k]) => !OWN_PBX_KEYS.includes(k) && (hasPins || k !== pinsKey)));
    return renderStackFile({ header, plain: gen.config, raw, others: parsed.others });
  };
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  fs.writeFileSync(file, layout(before));

  const select = await cli.run(["stack", "select", "--create", stack]);
  if (select.code !== 0) {
    const reason = (select.stderr || select.stdout).trim();
    if (hasPins) {
      throw new Error(
        `the ${Object.keys(gen.pins).length} voicemail PINs were not stored: \`pulumi stack select --create ${stack}\` failed: ${reason}\n` +
          "Log in to the backend the project will use (`pulumi login …`; for a passphrase stack, PULUMI_CONFIG_PASSPHRASE or " +
          "PULUMI_CONFIG_PASSPHRASE_FILE) and run the export again. The program was written; `pulumi up` fails until the PINs are set.",
      );
    }
    return { file, stackReady: false, stackError: reason };
  }
  if (hasPins) {
    const current = parseStackFile(fs.readFileSync(file, "utf8")).entries.has(pinsKey)
      ? await cli.run(["config", "get", pinsKey, "--stack", stack])
      : undefined;
    const unchanged = current?.code === 0 && current.stdout.trim() === pinsJson;
    if (!unchanged) {
      const set = await cli.run(["config", "set", "--secret", pinsKey, "--stack", stack], pinsJson);
      if (set.code !== 0) throw new Error(`the voicemail PINs were not stored: pulumi config set --secret failed: ${(set.stderr || set.stdout).trim()}`);
    }
  }
  // Pulumi rewrote the file in its own layout; ours again, with what it added.
  fs.writeFileSync(file, layout(fs.readFileSync(file, "utf8")));
  return { file, stackReady: true };
}
