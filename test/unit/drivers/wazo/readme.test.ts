/**
 * The driver's README carries the mapping table as the code declares it
 * (WAZO_MAPPING): regenerate with `UPDATE_WAZO_README=1 npx jest test/unit/drivers/wazo/readme`.
 */
import * as fs from "fs";
import * as path from "path";
import { mappingMarkdown } from "../../../../sdk/drivers/wazo";

const README = path.join(__dirname, "../../../../sdk/drivers/wazo/README.md");
const BEGIN = "<!-- mapping:begin -->";
const END = "<!-- mapping:end -->";

test("sdk/drivers/wazo/README.md has the current mapping table", () => {
  const text = fs.readFileSync(README, "utf8");
  const table = `${BEGIN}\n${mappingMarkdown()}\n${END}`;
  const current = text.slice(text.indexOf(BEGIN), text.indexOf(END) + END.length);
  if (process.env.UPDATE_WAZO_README) fs.writeFileSync(README, text.replace(current, table));
  else expect(current).toBe(table);
});
