/**
 * The chain every pulumi-pbx promise rests on: the real pulumi CLI runs a Node.js
 * program whose dynamic provider is serialized, started by the engine, configured
 * from stack config, and asked to create, diff, read (refresh), update and delete.
 */
import * as fs from "fs";
import * as path from "path";
import { PulumiProject, expectCode } from "./harness";

// A dynamic provider over a JSON file that stands in for a remote API, so a test can
// change "the server" behind Pulumi's back. It reads a token in `configure` (as the
// PBX provider does) and loads a module by package name inside a method, the way the
// real providers load the sdk.
const program = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config("e2e");
const storeFile = cfg.require("storeFile");

const provider = {
  async configure(req) {
    this.token = req.config.get("e2e:token");
  },
  async check(olds, news) {
    const failures = [];
    if (typeof news.message !== "string" || news.message.length === 0) {
      failures.push({ property: "message", reason: "message must be a non-empty string" });
    }
    return { inputs: news, failures };
  },
  async diff(id, olds, news) {
    const changes = olds.message !== news.message;
    return { changes, replaces: [] };
  },
  async create(inputs) {
    const fs = require("fs");
    const pkg = require("pulumi-pbx/package.json").name;
    const db = fs.existsSync(inputs.storeFile) ? JSON.parse(fs.readFileSync(inputs.storeFile, "utf8")) : {};
    const id = "note-" + Object.keys(db).length;
    db[id] = { message: inputs.message };
    fs.writeFileSync(inputs.storeFile, JSON.stringify(db));
    return { id, outs: { ...inputs, loadedFrom: pkg, authenticated: typeof this.token === "string" && this.token.startsWith("tok-") } };
  },
  async read(id, props) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(props.storeFile, "utf8"));
    if (!db[id]) return {};
    const live = { ...props, message: db[id].message };
    return { id, props: live, inputs: { storeFile: props.storeFile, message: db[id].message } };
  },
  async update(id, olds, news) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(news.storeFile, "utf8"));
    db[id] = { message: news.message };
    fs.writeFileSync(news.storeFile, JSON.stringify(db));
    return { outs: { ...olds, ...news } };
  },
  async delete(id, props) {
    const fs = require("fs");
    const db = JSON.parse(fs.readFileSync(props.storeFile, "utf8"));
    delete db[id];
    fs.writeFileSync(props.storeFile, JSON.stringify(db));
  },
};

class Note extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, { loadedFrom: undefined, authenticated: undefined, ...args }, opts, "e2e", "Note");
  }
}

const note = new Note("greeting", { message: cfg.require("message"), storeFile });
exports.message = note.message;
exports.loadedFrom = note.loadedFrom;
exports.authenticated = note.authenticated;
`;

describe("the real pulumi engine runs a dynamic provider end to end", () => {
  let project: PulumiProject;
  let storeFile: string;
  const readStore = () => JSON.parse(fs.readFileSync(storeFile, "utf8"));

  beforeAll(async () => {
    project = PulumiProject.create({ name: "foundation", files: { "index.js": program } });
    storeFile = path.join(project.workDir, "store.json");
    await project.initStack("dev");
    await project.setConfig("e2e:storeFile", storeFile);
    await project.setConfig("e2e:message", "hello");
    await project.setConfig("e2e:token", "tok-s3cr3t-value", { secret: true });
  });
  afterAll(() => project?.cleanup());

  test("up creates the resource through the engine", async () => {
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/\+ 2 created/);
    expect(Object.values(readStore())).toEqual([{ message: "hello" }]);
    const outs = await project.outputs();
    expect(outs).toEqual({ message: "hello", loadedFrom: "pulumi-pbx", authenticated: true });
  });

  test("a second up changes nothing", async () => {
    const r = await project.preview({ expectNoChanges: true });
    expectCode(r, 0);
  });

  test("an edit shows as an update in preview, then applies in place", async () => {
    await project.setConfig("e2e:message", "bonjour");
    const p = await project.preview({ diff: true });
    expectCode(p, 0);
    expect(p.output).toMatch(/~ e2e:Note: \(update\)|~ +1 to update|1 to update/);
    expect(p.output).toContain("bonjour");
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/~ 1 updated/);
    expect(Object.values(readStore())).toEqual([{ message: "bonjour" }]);
  });

  test("a change behind Pulumi's back is drift: preview --refresh --expect-no-changes exits 7, refresh takes it in", async () => {
    const db = readStore();
    const id = Object.keys(db)[0];
    db[id].message = "edited in the console";
    fs.writeFileSync(storeFile, JSON.stringify(db));

    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("edited in the console");

    const r = await project.refresh();
    expectCode(r, 0);
    const { deployment } = await project.exportStack();
    const note = deployment.deployment.resources.find((x: any) => x.type === "pulumi-nodejs:dynamic/e2e:Note");
    expect(note.outputs.message).toBe("edited in the console");

    // The program still says "bonjour": up puts it back.
    const up = await project.up();
    expectCode(up, 0);
    expect(Object.values(readStore())).toEqual([{ message: "bonjour" }]);
  });

  test("bad input fails at preview with the provider's message and writes nothing", async () => {
    await project.setConfig("e2e:message", "");
    const before = fs.readFileSync(storeFile, "utf8");
    const p = await project.preview();
    expect(p.code).not.toBe(0);
    expect(p.output).toContain("message must be a non-empty string");
    expect(fs.readFileSync(storeFile, "utf8")).toBe(before);
    await project.setConfig("e2e:message", "bonjour");
  });

  test("the token read in configure is nowhere in the state (__provider included)", async () => {
    const { text, deployment } = await project.exportStack();
    expect(text).not.toContain("tok-s3cr3t-value");
    const note = deployment.deployment.resources.find((x: any) => x.type === "pulumi-nodejs:dynamic/e2e:Note");
    expect(typeof note.inputs.__provider).toBe("string");
    expect(note.inputs.__provider).not.toContain("tok-s3cr3t-value");
    // The config value is stored encrypted, and the provider did receive it.
    const outs = await project.outputs();
    expect(outs.authenticated).toBe(true);
  });

  test("destroy removes the resource from the server and the stack", async () => {
    const r = await project.destroy();
    expectCode(r, 0);
    expect(readStore()).toEqual({});
    expect(await project.resources()).toEqual([]);
  });
});
