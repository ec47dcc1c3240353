/**
 * `pulumi-pbx drift --concurrency N`: stacks are previewed N at a time, and the report
 * lists them in the order they were named or listed, whichever preview ends first.
 */
import { DEFAULT_CONCURRENCY, drift, DriftRunner, parseConcurrency, program } from "../../../cli/index";
import { StackDrift } from "../../../cli/drift";
import { mapLimit } from "../../../cli/limit";

/** A fake pulumi: each stack's preview takes the time given, and in-flight previews are counted. */
function fakeRunner(durations: Record<string, number>, status: (stack: string) => StackDrift["status"] = () => "clean") {
  const stats = { inFlight: 0, maxInFlight: 0, started: [] as string[], finished: [] as string[] };
  const runner: DriftRunner = {
    listStacks: async () => Object.keys(durations),
    auditStack: async (stack) => {
      stats.started.push(stack);
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await new Promise((r) => setTimeout(r, durations[stack]));
      stats.inFlight--;
      stats.finished.push(stack);
      const s = status(stack);
      return s === "error" ? { stack, status: s, resources: [], error: `${stack} failed` } : { stack, status: s, resources: [] };
    },
  };
  return { runner, stats };
}

async function run(opts: Parameters<typeof drift>[0], runner: DriftRunner) {
  let stdout = "";
  let stderr = "";
  const code = await drift(opts, runner, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

// Later stacks are quicker, so finishing order is the reverse of the listed order.
const SIX = { s1: 60, s2: 50, s3: 40, s4: 30, s5: 20, s6: 10 };

describe("drift --concurrency", () => {
  test(`previews ${DEFAULT_CONCURRENCY} stacks at once by default, the report in listed order`, async () => {
    const { runner, stats } = fakeRunner(SIX);
    const r = await run({ cwd: ".", json: true }, runner);
    expect(r.code).toBe(0);
    expect(stats.maxInFlight).toBe(DEFAULT_CONCURRENCY);
    expect(stats.finished).not.toEqual(Object.keys(SIX)); // they did overlap and finish out of order…
    expect(JSON.parse(r.stdout).stacks.map((s: StackDrift) => s.stack)).toEqual(["s1", "s2", "s3", "s4", "s5", "s6"]); // …the report did not
  });

  test("--concurrency 1 is one at a time; 2 is two; more than the stacks runs them all at once", async () => {
    for (const [n, expected] of [[1, 1], [2, 2], [10, 6]]) {
      const { runner, stats } = fakeRunner(SIX);
      await run({ cwd: ".", concurrency: n, json: true }, runner);
      expect(stats.maxInFlight).toBe(expected);
      if (n === 1) expect(stats.finished).toEqual(Object.keys(SIX));
    }
  });

  test("named stacks keep their order in the table; drift and errors keep their exit codes", async () => {
    const { runner } = fakeRunner(SIX, (s) => (s === "s6" ? "drift" : "clean"));
    const r = await run({ cwd: ".", stack: ["s6", "s2", "s5"], concurrency: 3 }, runner);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("s6: 0 resource(s) differ\ns2: clean\ns5: clean\n");
    expect(r.stderr).toBe("auditing s6…\nauditing s2…\nauditing s5…\n");
    const failing = fakeRunner(SIX, (s) => (s === "s3" ? "error" : "clean")).runner;
    expect((await run({ cwd: ".", concurrency: 4 }, failing)).code).toBe(1);
  });

  test("the option accepts a whole number from 1 to 64 and refuses anything else", () => {
    expect(parseConcurrency("1")).toBe(1);
    expect(parseConcurrency("16")).toBe(16);
    for (const bad of ["0", "-1", "2.5", "abc", "", "65", "1e1"]) expect(() => parseConcurrency(bad)).toThrow(/whole number from 1 to 64/);
    const drift = program().commands.find((c) => c.name() === "drift")!;
    expect(drift.helpInformation()).toMatch(/--concurrency <n>\s+stacks previewed at once \(1–64, default 4\)/);
  });
});

describe("mapLimit", () => {
  test("results in input order, never more than the limit in flight, empty input", async () => {
    let inFlight = 0;
    let max = 0;
    const out = await mapLimit([30, 5, 20, 1, 10], 2, async (ms, i) => {
      max = Math.max(max, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(["0:30", "1:5", "2:20", "3:1", "4:10"]);
    expect(max).toBe(2);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });

  test("a rejection rejects the whole", async () => {
    await expect(mapLimit([1, 2, 3], 2, async (x) => { if (x === 2) throw new Error("no"); return x; })).rejects.toThrow("no");
  });
});
