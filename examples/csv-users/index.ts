/**
 * The users of a XiVO import file (seed 002, pipe-separated: user, line, incall
 * and voicemail columns) as pbx resources: a pbx.User per row, a
 * pbx.IncomingNumber per row with an incall. HR keeps the file; `pulumi up`
 * makes the PBX match it, including removing people whose row was deleted.
 *
 * A file with bad rows stops the program before any resource is declared: the
 * error names each bad line, column and rule, and nothing on the PBX changes.
 *
 * Config: `usersFile` (default users.csv, next to this program), `pbx:site`,
 * `pbx:url`, `pbx:token` (secret).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as pbx from "pulumi-pbx";

// Save every change as the run goes and apply each site once at the end (seed 000:
// Save, then "Apply changes"), instead of one apply per burst of writes.
pbx.applyChangesOnce();

const config = new pulumi.Config();
const usersFile = config.get("usersFile") ?? "users.csv";

const { users, incomingNumbers } = pbx.usersFromXivoCsv(fs.readFileSync(path.resolve(__dirname, usersFile), "utf8"), {
  fileName: usersFile,
  userDefaults: { role: "user", directoryListed: true },
});

export const extensions = Object.keys(users);
export const numbers = Object.keys(incomingNumbers);
export const sipUsernames = Object.fromEntries(Object.entries(users).map(([ext, u]) => [ext, u.sipUsername]));
