/**
 * The soak of the interrupted-runs issue: N fresh stacks per driver deployed
 * against a PBX with 20 % 5xx, 10 % of answers cut after the write and a
 * 25 requests/s limit. For each: did one `up` converge, did a second, and does
 * `preview --refresh --expect-no-changes` then exit 0 under the same faults?
 * A measurement, not part of `npm test`:
 *
 *   npm run build && npx jest --runInBand --testMatch '**\/test/soak/soak.ts' [--testNamePattern wazo]
 *
 * (SOAK_ROUNDS, default 10). The table goes to bench/results/<date>-soak-<driver>.md.
 */
import * as fs from "fs";
import * as path from "path";
import { CONFORMANCE_DRIVERS, projectOnDriverSite, startDriverPbx } from "../e2e/pbx";
import { repoRoot } from "../e2e/harness";

const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 10);
const FAULTS = { errorRate: 0.2, resetRate: 0.1, rateLimit: { perSecond: 25 } };

const program = `
const pbx = require("pulumi-pbx");
const users = [];
for (let i = 0; i < 12; i++) {
  users.push(new pbx.User("u" + i, { extension: String(2000 + i), firstName: "User" + i, lastName: "Soak", voicemail: { enabled: true, pin: "48" + (10 + i) } }));
}
const groups = [0, 1, 2].map((g) => new pbx.UserGroup("g" + g, { name: "Group " + g, members: users.slice(g * 4, g * 4 + 4).map((u) => u.id) }));
groups.forEach((g, i) => new pbx.IncomingNumber("n" + i, { number: "+322555020" + i, destination: { type: "userGroup", groupId: g.id } }));
users.slice(0, 6).forEach((u, i) => new pbx.FunctionKey("k" + i, { userId: u.id, position: 1, type: "blf", targetUserId: users[(i + 1) % 12].id }));
users.slice(6, 10).forEach((u, i) => new pbx.Forwarding("f" + i, { userId: u.id, mode: "forward", onBusy: [{ number: "+3247099990" + i }] }));
`;

describe.each(CONFORMANCE_DRIVERS)("soak: %s", (driver) => {
  test(`${ROUNDS} faulty deployments`, async () => {
    const rows: string[] = [];
    const tally = { one: 0, two: 0, none: 0, cleanPreview: 0, duplicates: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const pbx = await startDriverPbx(driver, { applyDelayMs: 50 });
      const site = `soak${round}`;
      const { project } = await projectOnDriverSite(pbx, site, { name: `soak-${driver}-${round}`, files: { "index.js": program } });
      try {
        pbx.setFaults(FAULTS);
        const started = Date.now();
        const first = await project.up();
        let ups = first.code === 0 ? 1 : 0;
        if (!ups) ups = (await project.up()).code === 0 ? 2 : 0;
        const preview = ups ? await project.preview({ refresh: true, expectNoChanges: true }) : undefined;
        pbx.setFaults({});
        const d = pbx.admin(site);
        const users = await d.users.list();
        const dup = users.length - new Set(users.map((u) => u.extension)).size + ((await d.userGroups.list()).length - 3 > 0 ? 1 : 0);
        tally.one += ups === 1 ? 1 : 0;
        tally.two += ups === 2 ? 1 : 0;
        tally.none += ups === 0 ? 1 : 0;
        tally.cleanPreview += preview?.code === 0 ? 1 : 0;
        tally.duplicates += dup;
        const why = ups === 1 ? "" : (first.output.match(/error: .*/g) ?? []).slice(-1)[0]?.slice(0, 160) ?? "";
        rows.push(`| ${round} | ${ups === 0 ? "no" : ups} | ${preview === undefined ? "–" : preview.code} | ${users.length} | ${dup} | ${((Date.now() - started) / 1000).toFixed(1)} s | ${why.replace(/\|/g, "/")} |`);
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      } finally {
        project.cleanup();
        await pbx.close();
      }
    }
    const report = [
      `# Soak: ${driver}, ${ROUNDS} fresh stacks of 29 resources, faults ${JSON.stringify(FAULTS)}`,
      "",
      `Converged in one \`up\`: **${tally.one}/${ROUNDS}**; in two: **${tally.two}/${ROUNDS}**; not in two: **${tally.none}/${ROUNDS}**.`,
      `\`preview --refresh --expect-no-changes\` under the same faults exited 0: **${tally.cleanPreview}/${tally.one + tally.two}**. Duplicate natural keys: **${tally.duplicates}**.`,
      "",
      "| round | ups to converge | preview exit | users | duplicates | wall (ups + preview) | first up's last error |",
      "|---|---|---|---|---|---|---|",
      ...rows,
      "",
    ].join("\n");
    const out = path.join(repoRoot, "bench", "results", `${new Date().toISOString().slice(0, 10)}-soak-${driver}.md`);
    fs.writeFileSync(out, report);
    process.stderr.write(report);
    expect(tally.duplicates).toBe(0);
  }, 3_600_000);
});
