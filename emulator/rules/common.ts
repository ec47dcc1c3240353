/**
 * Helpers for the cross-object rules: a write context and an issue collector
 * that throws one 422 with every problem at once (users fix them in one go).
 */
import type { ApiIssue } from "../../sdk/schemas";
import { validationFailed } from "../errors";
import type { Kind, ObjectRow, SiteRow, Store } from "../store/store";

/** What a rule may look at: the store, the site, the id of the object being written (null on create). */
export interface RuleContext {
  store: Store;
  site: SiteRow;
  selfId: string | null;
}

/** Collects issues; {@link Issues.throwIfAny} raises them as one 422. */
export class Issues {
  readonly list: ApiIssue[] = [];

  add(path: ApiIssue["path"], rule: string, message: string): void {
    this.list.push({ path, rule, message });
  }

  /** Adds an issue unless `id` is a saved object of `kind` on the site; returns the row when found. */
  requireObject(ctx: RuleContext, kind: Kind, id: string, path: ApiIssue["path"], rule: string, noun: string): ObjectRow | undefined {
    const row = ctx.store.get(ctx.site.name, kind, id);
    if (row?.saved) return row;
    this.add(path, rule, `${noun} "${id}" does not exist on site "${ctx.site.name}"`);
    return undefined;
  }

  throwIfAny(): void {
    if (this.list.length) throw validationFailed(this.list);
  }
}
