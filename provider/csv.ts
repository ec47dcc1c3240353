/**
 * Users from a XiVO bulk-import file (seed 002) as pbx resources: one pbx.User per
 * row and one pbx.IncomingNumber per row with an incall, so a site's people can
 * live in the spreadsheet HR already keeps while Pulumi owns the PBX.
 *
 * The file is judged by the same parser as the PBX's own import route
 * (sdk/import/xivoCsv.ts), then against the numbering plan and the other rows.
 * Any problem throws while the program builds its resource graph, with one line
 * per problem (line, column, rule), so `pulumi preview` and `pulumi up` fail
 * before a single user of the file is declared, let alone created: the file is
 * all or nothing, as the XiVO import is.
 */
import * as pulumi from "@pulumi/pulumi";
import { XivoRow, parseXivoCsv } from "../sdk/import/xivoCsv";
import { ApiIssue } from "../sdk/schemas/error";
import { DEFAULT_NUMBERING_PLAN, NumberingPlan, NumberingPlanSchema, checkExtensionRule } from "../sdk/schemas/site";
import { IncomingNumber } from "./resources/incomingNumber";
import { User, UserArgs } from "./resources/user";

/** One problem of the file, where a user finds it. */
export interface XivoCsvProblem {
  /** Line in the file; the header is line 1. */
  line: number;
  /** CSV column, when the problem is in one cell. */
  column?: string;
  /** Rule id, as the PBX reports it (docs/api-v1.md), e.g. `extension_digits`, `csv_required`. */
  rule: string;
  message: string;
}

/**
 * The file has problems; nothing was declared from it. `problems` holds every
 * problem of every bad row (a row's own rules, and for the rows good alone the
 * PBX's rules across rows), sorted by line; `lines` the bad lines.
 */
export class XivoCsvError extends Error {
  readonly problems: XivoCsvProblem[];
  /** The lines with at least one problem, in file order. */
  get lines(): number[] {
    return [...new Set(this.problems.map((p) => p.line))].sort((a, b) => a - b);
  }

  constructor(fileName: string, problems: XivoCsvProblem[]) {
    const lines = new Set(problems.map((p) => p.line)).size;
    super(
      `${fileName}: ${problems.length} problem${problems.length === 1 ? "" : "s"} on ${lines} line${lines === 1 ? "" : "s"}; ` +
        `no user was declared from it:\n` +
        problems.map((p) => `  ${fileName} line ${p.line}${p.column ? `, column ${p.column}` : ""}: ${p.message} (rule: ${p.rule})`).join("\n"),
    );
    this.name = "XivoCsvError";
    this.problems = problems;
  }
}

export interface XivoCsvOptions {
  /** The file's name in error messages. Default "users.csv". */
  fileName?: string;
  /** Site of every user and number. Default: stack config `pbx:site` (or `PBX_SITE`). */
  site?: string;
  /**
   * Numbering plan every extension must fit, checked before anything is declared.
   * Default: the site's `pbx:sites.<site>.numberingPlan`, else `pbx:numberingPlan`,
   * else the PBX default (2–6 digits).
   */
  numberingPlan?: NumberingPlan;
  /**
   * Prefix of the resource names, which are `<prefix>user-<extension>` and
   * `<prefix>number-<digits>`: one extension is one resource, so editing a row
   * updates it in place and changing its extension replaces it. Default "".
   */
  namePrefix?: string;
  /** Inputs every user gets (role, permissions, department, …); the row's own values win. */
  userDefaults?: Omit<Partial<UserArgs>, "extension" | "firstName" | "lastName" | "voicemail" | "site" | "adopt">;
  /** Take over users and numbers that already exist on the site (a site imported by hand). */
  adopt?: boolean;
  /** Options of every resource (parent, protect, dependsOn, …). */
  opts?: pulumi.CustomResourceOptions;
}

export interface XivoCsvResources {
  /** The users, by extension. */
  users: Record<string, User>;
  /** The incoming numbers of the rows with an incall, by E.164 number. */
  incomingNumbers: Record<string, IncomingNumber>;
}

/**
 * Checks a XiVO file: each row alone (the PBX import's rules), and the good
 * rows against what the PBX would refuse across rows: extensions outside the
 * numbering plan, an extension or an incall number on two rows. Every problem
 * of every bad row is reported at once, sorted by line, in one
 * {@link XivoCsvError}: the file is all or nothing, but a user fixes it in one go.
 */
export function readXivoCsv(text: string, opts: { fileName?: string; numberingPlan?: NumberingPlan } = {}): XivoRow[] {
  const fileName = opts.fileName ?? "users.csv";
  const { rows, issues } = parseXivoCsv(text);
  const problems: XivoCsvProblem[] = issues.map(toProblem);
  // A header problem leaves no row to judge.
  if (problems.some((p) => p.line === 1)) throw new XivoCsvError(fileName, problems);
  const plan = opts.numberingPlan ?? DEFAULT_NUMBERING_PLAN;
  const extensions = new Map<string, number>();
  const numbers = new Map<string, number>();
  for (const row of rows) {
    const ext = row.user.extension;
    const bad = checkExtensionRule(ext, plan);
    if (bad) problems.push({ line: row.line, column: "phonenumber", ...bad });
    const first = extensions.get(ext);
    if (first !== undefined) {
      problems.push({ line: row.line, column: "phonenumber", rule: "extension_unique", message: `extension "${ext}" is already on line ${first}` });
    } else extensions.set(ext, row.line);
    if (row.incall) {
      const firstNumber = numbers.get(row.incall.number);
      if (firstNumber !== undefined) {
        problems.push({ line: row.line, column: "incallexten", rule: "number_unique", message: `incall number "${row.incall.number}" is already on line ${firstNumber}` });
      } else numbers.set(row.incall.number, row.line);
    }
  }
  if (problems.length) throw new XivoCsvError(fileName, problems.sort((a, b) => a.line - b.line));
  return rows;
}

function toProblem(issue: ApiIssue): XivoCsvProblem {
  const [line, column] = issue.path;
  return { line: Number(line ?? 1), ...(typeof column === "string" ? { column } : {}), rule: issue.rule, message: issue.message };
}

/**
 * The numbering plan of the stack's config for a site. Read with the runtime's raw
 * config getter: `pbx:sites` is secret (it holds tokens) and `Config.get` would warn;
 * only the plan is used, and it is not secret.
 */
function configuredPlan(site: string | undefined): NumberingPlan | undefined {
  const raw = (key: string) => {
    const text = pulumi.runtime.getConfig(key);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined; // the provider's configure reports malformed config, naming the key
    }
  };
  const sites = raw("pbx:sites") as Record<string, { numberingPlan?: unknown }> | undefined;
  const candidate = (site && sites?.[site]?.numberingPlan) || raw("pbx:numberingPlan");
  const plan = NumberingPlanSchema.safeParse(candidate);
  return plan.success ? plan.data : undefined;
}

/**
 * Declares the users (and incoming numbers) of a XiVO pipe-separated file, or
 * throws {@link XivoCsvError} naming every bad row before declaring any.
 *
 * ```ts
 * const { users } = pbx.usersFromXivoCsv(fs.readFileSync("users.csv", "utf8"), { fileName: "users.csv" });
 * ```
 *
 * What a row becomes: `phonenumber` the extension; firstname, lastname, language,
 * mobilephonenumber, outcallerid, agentnumber, bosssecretary, enablehint
 * (`supervision`), enablexfer (`callTransfer`); voicemail enabled when the row has
 * a voicemail section (else voicemail off, as the XiVO import does), with
 * `voicemailpassword` as PIN, `voicemailemail` as `voicemail.email`,
 * voicemailattach / voicemaildelete / voicemailskippass; the CTI login (`cti`)
 * from enableclient, username, password, profileclient; an incall (`incallexten`,
 * E.164, `incallringseconds`) becomes an incoming number ringing the user. The
 * other columns are checked against what this PBX does (entityid, context and
 * incallcontext: one value per file, the site; protocol sip; linename the
 * extension; voicemailname the user's name; voicemailmailbox the extension) and
 * a value it cannot honour is refused naming the column (linesecret, sccp,
 * outcallerid anonymous). `XIVO_COLUMNS` in sdk/import/xivoCsv.ts lists them all.
 * Only the fields a row sets are declared: the others stay unmanaged.
 */
export function usersFromXivoCsv(text: string, options: XivoCsvOptions = {}): XivoCsvResources {
  const site = options.site ?? (pulumi.runtime.getConfig("pbx:site") || process.env.PBX_SITE || undefined);
  const rows = readXivoCsv(text, { fileName: options.fileName, numberingPlan: options.numberingPlan ?? configuredPlan(site) });
  const prefix = options.namePrefix ?? "";
  const common = { ...(options.site ? { site: options.site } : {}), ...(options.adopt ? { adopt: true } : {}) };
  const out: XivoCsvResources = { users: {}, incomingNumbers: {} };
  for (const { user: u, declared, incall } of rows) {
    // Only what the row sets: a column the file leaves out stays unmanaged (no drift on it).
    const args = { ...options.userDefaults, ...common, ...declared } as UserArgs;
    const user = new User(`${prefix}user-${u.extension}`, args, options.opts);
    out.users[u.extension] = user;
    if (incall) {
      out.incomingNumbers[incall.number] = new IncomingNumber(
        `${prefix}number-${incall.number.replace(/^\+/, "")}`,
        { ...common, number: incall.number, destination: { type: "user", userId: user.id }, ringSeconds: incall.ringSeconds },
        options.opts,
      );
    }
  }
  return out;
}
