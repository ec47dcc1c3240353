/**
 * `/api/v1/sites/{site}/import/users`: the XiVO pipe-separated CSV of seed
 * 002. All or nothing: every row is checked (alone, then against the PBX and
 * the rows before it) inside one transaction that is rolled back if any row
 * fails, and the 422 lists one issue per problem with `[line, column]`.
 */
import type { FastifyInstance } from "fastify";
import type { ApiIssue } from "../../sdk/schemas";
import { commitWrite, now, siteFor, type Pbx } from "../context";
import { ApiError, validationFailed } from "../errors";
import { columnFor, parseXivoCsv } from "../import/xivoCsv";
import { insertObject } from "../objects";
import { renderObject } from "../render";
import { checkIncomingNumber } from "../rules/incomingNumbers";
import { checkUser } from "../rules/users";
import { buildUser } from "./users";

/** Register the import route. */
export function importRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.post<{ Params: { site: string } }>("/api/v1/sites/:site/import/users", async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    if (typeof req.body !== "string") throw new ApiError("bad_request", "send the CSV as text/csv");
    const { rows, issues } = parseXivoCsv(req.body);
    if (issues.length) throw validationFailed(issues);
    const store = pbx.store;
    return commitWrite(pbx, req, reply, () => {
      const problems: ApiIssue[] = [];
      const created: Record<string, unknown>[] = [];
      const t = now();
      // Rows are inserted as they pass, so a later row clashing with an earlier one is caught too;
      // any problem throws and the transaction rolls every row back.
      for (const row of rows) {
        const ctx = { store, site, selfId: null };
        try {
          const data = buildUser(site, row.user);
          checkUser(ctx, data);
          const id = insertObject(store, site.name, "user", data, t);
          if (row.incall) {
            const num = { number: row.incall.number, destination: { type: "user", userId: id }, ringSeconds: row.incall.ringSeconds, description: null };
            try {
              checkIncomingNumber(ctx, num);
            } catch (e) {
              throw e instanceof ApiError ? Object.assign(e, { csvColumn: "incallexten" }) : e;
            }
            insertObject(store, site.name, "incomingNumber", num, t);
          }
          created.push(renderObject(store.get(site.name, "user", id)!)!);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          const column = (e as ApiError & { csvColumn?: string }).csvColumn;
          for (const i of e.extra.issues ?? [{ path: [], rule: e.code, message: e.message }]) {
            problems.push({ path: [row.line, column ?? columnFor(i.path)], rule: i.rule, message: i.message });
          }
        }
      }
      if (problems.length) throw validationFailed(problems);
      return { status: 201, body: { created } };
    });
  });
}
