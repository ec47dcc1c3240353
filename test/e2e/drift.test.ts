/**
 * `pulumi-pbx drift` through the real pulumi CLI: two stacks of a program whose
 * dynamic provider keeps its objects in a JSON file (the "PBX"), edited behind
 * Pulumi's back. The program is self-contained so this suite does not depend on
 * the pbx provider.
 */
import * as fs from "fs";
import * as path from "path";
import { PulumiProject, repoRoot, RunResult, runCommand } from "./harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config("e2e");
const storeFile = cfg.require("storeFile");
const load = () => { const fs = require("fs"); return fs.existsSync(storeFile) ? JSON.parse(fs.readFileSync(storeFile, "utf8")) : {}; };
const fields = (o) => ({ label: o.label, voicemail: o.voicemail, destination: o.destination });

const provider = {
  async diff(id, olds, news) {
    return { changes: JSON.stringify(fields(olds)) !== JSON.stringify(fields(news)) };
  },
  async create(inputs) {
    const db = load();
    db[inputs.key] = fields(inputs);
    require("fs").writeFileSync(inputs.storeFile, JSON.stringify(db));
    return { id: inputs.key, outs: inputs };
  },
  async read(id, props) {
    const live = load()[id];
    if (!live) return {};
    return { id, props: { ...props, ...live }, inputs: { key: props.key, storeFile: props.storeFile, ...live } };
  },
  async update(id, olds, news) {
    const db = load();
    db[id] = fields(news);
    require("fs").writeFileSync(news.storeFile, JSON.stringify(db));
    return { outs: news };
  },
  async delete(id, props) {
    const db = load();
    delete db[id];
    require("fs").writeFileSync(props.storeFile, JSON.stringify(db));
  },
};

class Line extends pulumi.dynamic.Resource {
  constructor(name, args, opts) { super(provider, name, args, opts, "e2e", "Line"); }
}

const line = (key, label, pin, destination) =>
  new Line(key, { key, storeFile, label, voicemail: { enabled: true, pin }, destination });
line("alice", "Alice", cfg.requireSecret("pin"), { type: "user" });
line("bob", "Bob", "0000", { type: "userGroup", groupId: "sales" });
line("carol", "Carol", "0000", { type: "none" });
`;

const cli = path.join(repoRoot, "dist", "cli", "index.js");

/** Builds dist/ when the compiled CLI is missing or older than its sources. */
async function ensureBuilt(): Promise<void> {
  const srcDir = path.join(repoRoot, "cli");
  const newest = Math.max(...fs.readdirSync(srcDir).filter((f) => f.endsWith(".ts")).map((f) => fs.statSync(path.join(srcDir, f)).mtimeMs));
  if (fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= newest) return;
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const r = await runCommand(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: repoRoot, env: process.env });
  if (r.code !== 0) throw new Error(`build failed:\n${r.output}`);
}

describe("pulumi-pbx drift", () => {
  let project: PulumiProject;
  const store = (stack: string) => path.join(project.workDir, `store-${stack}.json`);
  const edit = (stack: string, change: (db: any) => void) => {
    const db = JSON.parse(fs.readFileSync(store(stack), "utf8"));
    change(db);
    fs.writeFileSync(store(stack), JSON.stringify(db));
  };
  // Run from elsewhere, so --cwd is what finds the project.
  const drift = (...args: string[]): Promise<RunResult> =>
    runCommand(process.execPath, [cli, "drift", "--cwd", project.dir, ...args], {
      cwd: project.workDir,
      env: { ...process.env, ...project.env },
    });

  beforeAll(async () => {
    await ensureBuilt();
    project = PulumiProject.create({ name: "drift", files: { "index.js": program } });
    const stacks = [["dev", "4821"], ["prod", "9317"]];
    for (const [stack, pin] of stacks) {
      await project.initStack(stack);
      await project.setConfig("e2e:storeFile", store(stack));
      await project.setConfig("e2e:pin", pin, { secret: true });
    }
    // Different stacks and store files: the two deployments can run at once.
    await Promise.all(
      stacks.map(async ([stack]) => {
        const up = await project.run(["up", "--yes", "--skip-preview", "--stack", stack]);
        if (up.code !== 0) throw new Error(`up ${stack} failed:\n${up.output}`);
      }),
    );
  }, 120_000);
  afterAll(() => project?.cleanup());

  test("no drift on any stack: exit 0", async () => {
    const r = await drift();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("dev: clean\nprod: clean\n");
  }, 60_000);

  describe("after edits on the PBX", () => {
    let table: RunResult;
    let json: RunResult;
    let markdown: RunResult;

    beforeAll(async () => {
      edit("prod", (db) => {
        db.alice.label = "Alice (edited in the console)";
        db.bob.destination.groupId = "support";
        delete db.carol;
      });
      // dev: only the secret changes (the console sets a new PIN).
      edit("dev", (db) => (db.alice.voicemail.pin = "7777"));
      // Previews only read, so the three formats can run at once.
      [table, json, markdown] = await Promise.all([drift(), drift("--json"), drift("--markdown", "--stack", "dev", "--stack", "prod")]);
    }, 90_000);

    test("exit 2, naming stack, resource, field, program value and live value", () => {
      expect(table.code).toBe(2);
      const rows = table.stdout.split("\n").map((l) => l.split(/\s{2,}/));
      expect(rows).toContainEqual(["prod", "e2e:Line alice", "label", '"Alice"', '"Alice (edited in the console)"']);
      expect(rows).toContainEqual(["prod", "e2e:Line bob", "destination.groupId", '"sales"', '"support"']);
      expect(rows).toContainEqual(["prod", "e2e:Line carol", "(resource)", "(exists)", "missing on the PBX"]);
      expect(table.stdout).toContain("dev: 1 resource(s) differ\nprod: 3 resource(s) differ\n");
    });

    test("a secret field shows [secret], never its value", () => {
      const rows = table.stdout.split("\n").map((l) => l.split(/\s{2,}/));
      expect(rows).toContainEqual(["dev", "e2e:Line alice", "voicemail.pin", "[secret]", "[secret] (secret, may differ)"]);
      for (const r of [table, json, markdown]) {
        for (const pin of ["4821", "9317", "7777"]) expect(r.output).not.toContain(pin);
      }
    });

    test("--json parses and has the same content as the table", () => {
      expect(json.code).toBe(2);
      const report = JSON.parse(json.stdout);
      expect(report.status).toBe("drift");
      const fromJson = report.stacks.flatMap((s: any) =>
        s.resources.flatMap((r: any) =>
          r.kind === "missing" ? [[s.stack, r.name, "(resource)"]] : r.fields.map((f: any) => [s.stack, r.name, f.path]),
        ),
      );
      const fromTable = table.stdout
        .split("\n")
        .slice(1)
        .filter((l) => /^(dev|prod) /.test(l))
        .map((l) => l.split(/\s{2,}/))
        .map(([stack, resource, field]) => [stack, resource.replace("e2e:Line ", ""), field]);
      expect(fromJson).toEqual(fromTable);
      const prodBob = report.stacks[1].resources.find((r: any) => r.name === "bob");
      expect(prodBob).toMatchObject({ type: "e2e:Line", kind: "changed" });
      expect(prodBob.fields).toEqual([{ path: "destination.groupId", program: "sales", live: "support", secret: false }]);
    });

    test("--markdown is a table", () => {
      expect(markdown.code).toBe(2);
      const lines = markdown.stdout.split("\n");
      expect(lines).toContain("| Stack | Resource | Field | Program | Live |");
      expect(lines).toContain("|---|---|---|---|---|");
      expect(lines).toContain('| prod | `e2e:Line bob` | `destination.groupId` | `"sales"` | `"support"` |');
    });

    test("--markdown with --stack twice audits both; an unknown stack is an error (exit 1)", async () => {
      expect(markdown.stdout).toContain("- **dev**: 1 resource(s) differ\n- **prod**: 3 resource(s) differ");
      const bad = await drift("--stack", "nope");
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("nope: error: no stack named 'nope' found");
    }, 60_000);
  });
});
