/**
 * Writes docs/reference.md, the resource reference, from the TSDoc on the
 * resources' Args interfaces (provider/resources/*.ts), so the reference says
 * exactly what the code declares. `node dist/scripts/reference.js` rewrites it;
 * a unit test fails when it is stale.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { repoRoot as root } from "./pulumiCli";
const resourcesDir = path.join(root, "provider", "resources");
const order = ["user", "incomingNumber", "userGroup", "functionKey", "forwarding", "device"];

function doc(node: ts.Node, sf: ts.SourceFile): string {
  const jsDocs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  return jsDocs
    .map((d) => (typeof d.comment === "string" ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim() || (sf && "");
}

function typeText(t: ts.TypeNode | undefined, sf: ts.SourceFile): string {
  if (!t) return "";
  // `pulumi.Input<X>` is how every input is typed; the reference shows X.
  return t.getText(sf).replace(/pulumi\.Input<([^<>]*(?:<[^<>]*>[^<>]*)*)>/g, "$1").replace(/\s+/g, " ");
}

/** The markdown reference of every resource's inputs. */
export function renderReference(): string {
  const out: string[] = [
    "# Resource reference",
    "",
    "Generated from the TSDoc in `provider/resources/` by `node dist/scripts/reference.js`; do not edit by hand.",
    "Every resource also takes `site` and `adopt` (see **Common inputs**).",
    "",
  ];
  const sections: string[] = [];
  let common = "";
  for (const file of ["common", ...order]) {
    const full = path.join(resourcesDir, `${file}.ts`);
    const sf = ts.createSourceFile(full, fs.readFileSync(full, "utf8"), ts.ScriptTarget.ES2022, true);
    sf.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
      const rows = node.members.filter(ts.isPropertySignature).map((m) => {
        const name = m.name.getText(sf) + (m.questionToken ? "" : " (required)");
        return `| \`${name}\` | \`${typeText(m.type, sf).replace(/\|/g, "\\|")}\` | ${doc(m, sf).replace(/\|/g, "\\|")} |`;
      });
      const title = node.name.text === "CommonArgs" ? "Common inputs" : node.name.text;
      const block = [`## ${title}`, "", doc(node, sf), "", "| input | type | meaning |", "|---|---|---|", ...rows, ""].join("\n");
      if (node.name.text === "CommonArgs") common = block;
      else sections.push(block);
    });
  }
  return [...out, ...sections, common].join("\n").replace(/\n{3,}/g, "\n\n");
}

if (require.main === module) {
  fs.writeFileSync(path.join(root, "docs", "reference.md"), renderReference());
  console.log("wrote docs/reference.md");
}
