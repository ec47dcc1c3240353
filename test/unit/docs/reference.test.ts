import * as fs from "fs";
import * as path from "path";
import { renderReference } from "../../../scripts/reference";

test("docs/reference.md is generated from the current TSDoc (run `node dist/scripts/reference.js`)", () => {
  const committed = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "reference.md"), "utf8");
  expect(committed).toBe(renderReference());
});

test("the reference covers all six resources and the common inputs", () => {
  const ref = renderReference();
  for (const title of ["UserArgs", "IncomingNumberArgs", "UserGroupArgs", "FunctionKeyArgs", "ForwardingArgs", "DeviceArgs", "Common inputs"]) {
    expect(ref).toContain(`## ${title}`);
  }
});
