/**
 * `--seed demo`: a site named `demo` with a few users, a group and a number,
 * so a console user (or a tutorial) has something to look at.
 */
import { UserCreateSchema } from "../sdk/schemas";
import { now, type Pbx } from "./context";
import { insertObject } from "./objects";
import { buildUser } from "./routes/users";
import { createSite } from "./routes/sites";

/** Create the demo site unless it exists; returns its token when created. */
export function seedDemo(pbx: Pbx): { token: string } | undefined {
  if (pbx.store.getSite("demo")) return undefined;
  return pbx.store.tx(() => {
    const { token } = createSite(pbx, { name: "demo" });
    const site = pbx.store.getSite("demo")!;
    const t = now();
    const people: [string, string, string, string][] = [
      ["1001", "Alice", "Martin", "alice@example.com"],
      ["1002", "Bob", "Dupont", "bob@example.com"],
      ["1003", "Chloé", "Leroy", "chloe@example.com"],
    ];
    const ids = people.map(([extension, firstName, lastName, email]) =>
      insertObject(pbx.store, "demo", "user", buildUser(site, UserCreateSchema.parse({ extension, firstName, lastName, email })), t),
    );
    const group = insertObject(pbx.store, "demo", "userGroup", { name: "Reception", members: ids, ringStrategy: "allAtOnce", ringSeconds: 20 }, t);
    insertObject(pbx.store, "demo", "incomingNumber", { number: "+3225550100", destination: { type: "userGroup", groupId: group }, ringSeconds: 30, description: "Main line" }, t);
    pbx.store.apply("demo", t);
    return { token };
  });
}
