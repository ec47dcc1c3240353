/**
 * The emulator's console in a real browser: Debian's Chromium driven by
 * playwright-core (no browser download). One emulator and one browser for the
 * file; site `office` is deployed by a Pulumi program through the real CLI
 * first, so the console edits what a program manages.
 *
 * Screenshots of the main pages go to test/browser/screenshots/ (gitignored).
 */
import * as fs from "fs";
import * as path from "path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expectCode, type PulumiProject } from "../e2e/harness";
import { projectOnSite, startPbx, type RunningPbx } from "../e2e/pbx";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = path.join(__dirname, "screenshots");

const program = `
const pulumi = require("@pulumi/pulumi");
const pbx = require("pulumi-pbx");
pbx.applyChangesOnce();
const alice = new pbx.User("alice", {
  extension: "1001", firstName: "Alice", lastName: "Martin", email: "alice@example.com",
  voicemail: { enabled: true, pin: pulumi.secret("4821") }, permissions: ["userPortal"],
});
const bob = new pbx.User("bob", { extension: "1002", firstName: "Bob", lastName: "Dupont" });
const sales = new pbx.UserGroup("sales", { name: "Sales", members: [alice.id, bob.id] });
new pbx.IncomingNumber("main", { number: "+3225550100", destination: { type: "userGroup", groupId: sales.id } });
new pbx.FunctionKey("alice-1", { userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, label: "Bob" });
new pbx.Forwarding("alice-fwd", { userId: alice.id, mode: "forward", onBusy: [{ number: "+32470999999" }], voicemailLastResort: true });
`;

describe("the emulator's console in Chromium", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;
  let officeToken: string;
  let parisToken: string;
  let browser: Browser;
  let office: BrowserContext;
  let page: Page;
  let api: ReturnType<RunningPbx["console"]>;
  const userByExt = async (extension: string) => (await api.users.listAll()).find((u) => u.extension === extension);

  /** Screenshot of a main page; every page shot is also checked: each form control has a label, one h1, lang set. */
  const shot = async (p: Page, name: string) => {
    // Runs in the page (no DOM types in this project's typecheck: the element is read structurally).
    type Control = { labels?: { length: number } | null; name: string; getAttribute(n: string): string | null };
    const unlabelled = await p.$$eval("input:not([type=hidden]), select, textarea", (els) =>
      (els as unknown as Control[]).filter((e) => !e.labels?.length && !e.getAttribute("aria-label") && e.getAttribute("aria-hidden") !== "true").map((e) => e.name),
    );
    expect({ page: name, unlabelled }).toEqual({ page: name, unlabelled: [] });
    expect(await p.locator("h1").count()).toBe(1);
    expect(await p.getAttribute("html", "lang")).toBe("en");
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };

  /** A fresh browser context signed in with `token`. */
  async function signedIn(token: string, name?: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const p = await context.newPage();
    await p.goto(`${pbx.url}/console`);
    await p.getByLabel("API token").fill(token);
    if (name) await shot(p, name);
    await p.getByRole("button", { name: "Sign in" }).click();
    return { context, page: p };
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    [pbx, browser] = await Promise.all([startPbx({ applyDelayMs: 20 }), chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] })]);
    ({ project, token: officeToken } = await projectOnSite(pbx, "office", { name: "console", files: { "index.js": program } }));
    parisToken = await pbx.createSite("paris");
    api = pbx.console("office");
    expectCode(await project.up(), 0);
    ({ context: office, page } = await signedIn(officeToken, "01-sign-in"));
  }, 240_000);

  afterAll(async () => {
    api?.close();
    await browser?.close();
    await pbx?.close();
  });

  test("sign in with a site token: the site's users, with search by name or extension", async () => {
    await page.waitForURL(/\/console\/sites\/office\/users$/);
    await expect(page.getByRole("heading", { name: "Users" }).isVisible()).resolves.toBe(true);
    const cookies = await office.cookies();
    const session = cookies.find((c) => c.name === "pbx_console")!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
    expect(session.value).not.toContain(officeToken);
    // Keyboard: the first Tab reaches the skip link, and it leads to the page's content.
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement?: { textContent: string | null } } }).document.activeElement?.textContent)).resolves.toBe("Skip to content");
    expect(await page.locator("tbody tr").count()).toBe(2);
    await shot(page, "02-users");
    await page.getByLabel("Search by name or extension").fill("1002");
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.locator("tbody tr").allInnerTexts()).toEqual([expect.stringContaining("Bob Dupont")]);
    await page.getByLabel("Search by name or extension").fill("alice");
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.locator("tbody tr").allInnerTexts()).toEqual([expect.stringContaining("Alice Martin")]);
  });

  test("create a user through the form: saved, then live after Apply changes", async () => {
    await page.goto(`${pbx.url}/console/sites/office/users/new`);
    await page.getByLabel("Extension").fill("1010");
    await page.getByLabel("First name").fill("Chloé");
    await page.getByLabel("Last name").fill("Durand");
    await page.getByLabel("Email address").fill("chloe@example.com");
    await page.getByLabel("Voicemail PIN").fill("2468");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/User 1010 created/);
    const chloe = await userByExt("1010");
    expect(chloe).toMatchObject({ firstName: "Chloé", lastName: "Durand", applied: false });
    expect(chloe!.voicemail.pin).toBe("2468");
    await expect(page.getByRole("button", { name: "Apply changes (1)" }).isVisible()).resolves.toBe(true);
    await shot(page, "03-user-created-general");
    await page.getByRole("button", { name: "Apply changes (1)" }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/Applied 1 change/);
    expect((await userByExt("1010"))!.applied).toBe(true);
    expect((await api.applyStatus()).pending).toBe(0);
  });

  test("a bad PIN shows the rule beside the field and saves nothing", async () => {
    const before = (await api.users.listAll()).length;
    await page.goto(`${pbx.url}/console/sites/office/users/new`);
    await page.getByLabel("Extension").fill("1011");
    await page.getByLabel("First name").fill("Dan");
    await page.getByLabel("Voicemail PIN").fill("12");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const beside = page.locator("#f-voicemail-pin-error");
    await expect(beside.innerText()).resolves.toMatch(/voicemail PIN must be at least 4 digits\s+rule: pin_min_length/);
    await expect(page.getByLabel("Voicemail PIN").getAttribute("aria-describedby")).resolves.toContain("f-voicemail-pin-error");
    await expect(page.getByRole("alert").first().innerText()).resolves.toMatch(/Nothing was saved/);
    // What was typed stays, except the PIN.
    await expect(page.getByLabel("First name").inputValue()).resolves.toBe("Dan");
    await shot(page, "04-bad-pin");
    expect((await api.users.listAll()).length).toBe(before);
    expect((await api.applyStatus()).pending).toBe(0);
  });

  test("secrets stay out of the page until asked for", async () => {
    const alice = (await userByExt("1001"))!;
    const base = `${pbx.url}/console/sites/office/users/${alice.id}`;
    const general = await page.goto(`${base}/general`);
    expect(await general!.text()).not.toContain("4821");
    expect(general!.headers()["cache-control"]).toBe("no-store");
    await page.getByRole("button", { name: "Show PIN" }).click();
    await expect(page.locator("#pin-value").innerText()).resolves.toBe("4821");
    const sip = await page.goto(`${base}/sip`);
    expect(await sip!.text()).not.toContain(alice.sipPassword);
    await shot(page, "05-sip-hidden");
    await page.getByRole("button", { name: "Show SIP password" }).click();
    await expect(page.locator("#sip-password").innerText()).resolves.toBe(alice.sipPassword);
  });

  test("the user form's tabs show what the program deployed", async () => {
    const alice = (await userByExt("1001"))!;
    const base = `${pbx.url}/console/sites/office/users/${alice.id}`;
    await page.goto(`${base}/forwardings`);
    await expect(page.locator("#f-onBusy-0-number").inputValue()).resolves.toBe("+32470999999");
    await expect(page.getByLabel("Send to voicemail as a last resort").isChecked()).resolves.toBe(true);
    await shot(page, "06-tab-forwardings");
    await page.goto(`${base}/follow-me`);
    await shot(page, "07-tab-follow-me");
    await page.goto(`${base}/keys`);
    await expect(page.locator("#f-keys-1-type").inputValue()).resolves.toBe("blf");
    await expect(page.locator("#f-keys-1-label").inputValue()).resolves.toBe("Bob");
    await shot(page, "08-tab-keys");
    await page.goto(`${base}/permissions`);
    await expect(page.getByLabel("User portal access").isChecked()).resolves.toBe(true);
    await shot(page, "09-tab-permissions");
    await page.goto(`${pbx.url}/console/sites/office/incoming-numbers`);
    await expect(page.locator("tbody").innerText()).resolves.toMatch(/\+3225550100\s+User group: Sales/);
    await shot(page, "10-incoming-numbers");
    await page.getByRole("link", { name: "Edit +3225550100" }).click();
    await expect(page.getByLabel("User group").isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Dial plan name").isVisible()).resolves.toBe(false);
    await shot(page, "11-incoming-number-edit");
    await page.goto(`${pbx.url}/console/sites/office/user-groups`);
    await expect(page.locator("tbody").innerText()).resolves.toMatch(/Sales\s+Alice Martin \(1001\), Bob Dupont \(1002\)/);
    await shot(page, "12-user-groups");
  });

  test("a console edit of a user the program deployed, applied, is drift: preview --refresh --expect-no-changes exits 7 naming the field", async () => {
    const alice = (await userByExt("1001"))!;
    await page.goto(`${pbx.url}/console/sites/office/users/${alice.id}/general`);
    await page.getByLabel("First name").fill("Alicia");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/Saved/);
    await page.getByRole("button", { name: /Apply changes \(1\)/ }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/Applied 1 change/);
    expect((await api.users.get(alice.id, { view: "live" })).firstName).toBe("Alicia");

    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("firstName");
    expect(drift.output).toContain("Alicia");
  });

  test("another site's token sees nothing of this site", async () => {
    const alice = (await userByExt("1001"))!;
    const { context, page: paris } = await signedIn(parisToken);
    try {
      await paris.waitForURL(/\/console\/sites\/paris\/users$/);
      await expect(paris.locator("tbody tr").count()).resolves.toBe(0);
      for (const p of ["/console/sites/office/users", `/console/sites/office/users/${alice.id}/general`, `/console/sites/office/users/${alice.id}/sip`, "/console/sites/office/incoming-numbers", "/console/sites/office/user-groups", "/console/sites"]) {
        const res = await paris.goto(`${pbx.url}${p}`);
        expect([403, 404]).toContain(res!.status());
        const text = await res!.text();
        expect(text).not.toContain("Alice");
        expect(text).not.toContain(alice.id);
      }
      await shot(paris, "13-other-site-refused");
      // Paris's own pages name none of office's objects either.
      const own = await paris.goto(`${pbx.url}/console/sites/paris/users?search=Alice`);
      expect(await own!.text()).not.toContain(alice.id);
      // Nor can it apply office's changes.
      const apply = await context.request.post(`${pbx.url}/console/sites/office/apply`, { form: { _csrf: await paris.locator('input[name="_csrf"]').first().inputValue() }, maxRedirects: 0 });
      expect(apply.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  test("a form post without the CSRF token (or with another session's) is refused and saves nothing", async () => {
    const alice = (await userByExt("1001"))!;
    const before = await api.users.get(alice.id);
    const form = { extension: "1001", firstName: "Mallory", "voicemail.enabled": "yes", "voicemail.ringsBeforeVoicemail": "4" };
    const url = `${pbx.url}/console/sites/office/users/${alice.id}/general`;
    const missing = await office.request.post(url, { form, maxRedirects: 0 });
    expect(missing.status()).toBe(403);
    expect(await missing.text()).toMatch(/security token is missing or out of date/);
    const { context } = await signedIn(officeToken);
    try {
      const otherPage = await context.newPage();
      await otherPage.goto(`${pbx.url}/console/sites/office/users`);
      const foreign = await otherPage.locator('input[name="_csrf"]').first().inputValue();
      expect((await office.request.post(url, { form: { ...form, _csrf: foreign }, maxRedirects: 0 })).status()).toBe(403);
    } finally {
      await context.close();
    }
    const create = await office.request.post(`${pbx.url}/console/sites/office/users`, { form: { extension: "1066", firstName: "Mallory" }, maxRedirects: 0 });
    expect(create.status()).toBe(403);
    expect(await api.users.get(alice.id)).toEqual(before);
    expect(await userByExt("1066")).toBeUndefined();
  });

  test("forwardings: a bad number shows the API's rule beside its row and saves nothing; Add a destination; Follow Me refused while forwardings exist", async () => {
    const bob = (await userByExt("1002"))!;
    const alice = (await userByExt("1001"))!;
    const base = `${pbx.url}/console/sites/office/users/${bob.id}`;
    await page.goto(`${base}/forwardings`);
    await page.getByLabel("Forwarding on no answer, destination 1").selectOption("number");
    await page.getByLabel("Forwarding on no answer, external number 1").fill("12345");
    await page.getByRole("radio", { name: "On" }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.locator("#f-onNoAnswer-0-number-error").innerText()).resolves.toMatch(/forwarding number must be in E\.164 format.*rule: e164/);
    await shot(page, "15-forwarding-bad-number");
    await expect(api.forwardings.get(bob.id)).rejects.toThrow();
    await page.getByRole("button", { name: "Add a destination" }).first().click();
    await expect(page.getByLabel("Forwarding on no answer, destination 2").isVisible()).resolves.toBe(true);
    await page.getByLabel("Forwarding on no answer, external number 1").fill("+32 470 11 22 33");
    await page.getByLabel("Forwarding on no answer, destination 2").selectOption(`user:${alice.id}`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/Saved/);
    expect(await api.forwardings.get(bob.id)).toMatchObject({ mode: "forward", onNoAnswer: [{ number: "+32470112233", ringSeconds: 20 }, { userId: alice.id, ringSeconds: 20 }] });

    await page.goto(`${base}/follow-me`);
    await page.getByRole("radio", { name: "On" }).check();
    await page.getByLabel("Destinations, destination 1").selectOption(`user:${alice.id}`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.locator(".error-summary").innerText()).resolves.toMatch(/onNoAnswer \(not on this page\): follow-me and forwardings exclude each other.*rule: forwarding_followme_exclusive/);
    await shot(page, "16-follow-me-refused");
    expect((await api.forwardings.get(bob.id)).mode).toBe("forward");
  });

  test("user groups and incoming numbers: create through the forms, the API's rules beside the fields", async () => {
    const chloe = (await userByExt("1010"))!;
    await page.goto(`${pbx.url}/console/sites/office/user-groups/new`);
    await page.getByLabel("Name").fill("Support");
    await page.getByLabel("1010 Chloé Durand").check();
    await page.getByLabel("Ringing").selectOption("inOrder");
    await shot(page, "17-user-group-new");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/Group Support added/);
    const support = (await api.userGroups.listAll()).find((g) => g.name === "Support")!;
    expect(support).toMatchObject({ members: [chloe.id], ringStrategy: "inOrder", applied: false });

    await page.goto(`${pbx.url}/console/sites/office/incoming-numbers/new`);
    await page.getByLabel("Number").fill("02 555 01 01");
    await page.getByLabel("Destination type for voice call").selectOption("userGroup");
    await page.getByLabel("User group").selectOption(support.id);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.locator("#f-number-error").innerText()).resolves.toMatch(/rule: e164/);
    await shot(page, "18-incoming-number-bad");
    await page.getByLabel("Number").fill("+32 2 555 01 01");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.locator("tbody").innerText()).resolves.toMatch(/\+3225550101\s+User group: Support/);
    const pending = (await api.applyStatus()).pending;
    expect(pending).toBeGreaterThanOrEqual(2);
    await page.getByRole("button", { name: `Apply changes (${pending})` }).click();
    await expect(page.getByRole("status").innerText()).resolves.toBe(`Applied ${pending} changes: they are live.`);
    expect((await api.applyStatus()).pending).toBe(0);
  });

  test("what people typed is shown as text, never as markup", async () => {
    const evil = await api.users.create({ extension: "1077", firstName: `<img src=x onerror="document.title='owned'">`, lastName: "<b>Bold</b>" });
    try {
      await page.goto(`${pbx.url}/console/sites/office/users?search=1077`);
      await expect(page.locator("tbody th a").innerText()).resolves.toBe(`<img src=x onerror="document.title='owned'"> <b>Bold</b>`);
      await page.goto(`${pbx.url}/console/sites/office/users/${evil.id}/general`);
      expect(await page.locator("main img, main b").count()).toBe(0);
      expect(await page.title()).not.toBe("owned");
    } finally {
      await api.users.delete(evil.id);
      await api.apply();
    }
  });

  test("the admin token sees every site", async () => {
    const { context, page: admin } = await signedIn(pbx.adminToken);
    try {
      await admin.waitForURL(/\/console\/sites$/);
      await expect(admin.locator("tbody").innerText()).resolves.toMatch(/office[\s\S]*paris/);
      await shot(admin, "14-sites-admin");
      await admin.getByRole("link", { name: "office" }).click();
      await expect(admin.locator("tbody tr").count()).resolves.toBeGreaterThanOrEqual(3);
    } finally {
      await context.close();
    }
  });
});
