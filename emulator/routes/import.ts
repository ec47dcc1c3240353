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
import { routeConfig } from "../guard";
import { columnFor, parseXivoCsv } from "../import/xivoCsv";
import { insertObject } from "../objects";
import { renderObject } from "../render";
import { checkIncomingNumber } from "../rules/incomingNumbers";
import { checkUser } from "../rules/users";
import { buildUser } from "./users";

/** Register the import route. */
export function importRoutes(app: FastifyInstance, pbx: Pbx): void {
  // Only this route reads text: its parsers live in its own plugin, so a JSON route sent text answers 415.
  void app.register(async (scope) => {
    scope.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (_req, body, done) => done(null, String(body)));
    scope.post<{ Params: { site: string } }>("/api/v1/sites/:site/import/users", { config: routeConfig("site") }, async (req, reply) => {
      const site = siteFor(pbx, req, req.params.site);
      if (typeof req.body !== "string") throw new ApiError("bad_request", "send the CSV as text/csv", { status: 415 });
      const parsed = parseXivoCsv(req.body);
      // The parser keeps every good row even when others are bad: their PBX checks run too, so one
      // answer lists every bad row, whatever kind of problem; any problem rolls the whole file back.
      const rows = parsed.issues.some((i) => i.path[0] === 1) ? [] : parsed.rows;
      const store = pbx.store;
      return commitWrite(pbx, req, reply, () => {
        const problems: ApiIssue[] = [...parsed.issues];
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
        if (problems.length) {
          problems.sort((a, b) => Number(a.path[0]) - Number(b.path[0]));
          throw validationFailed(problems);
        }
        return { status: 201, body: { created } };
      });
    });
  });
}
