#!/usr/bin/env node
/**
 * Prints the stack config `pbx:sites` for inventory.json: each site's url,
 * driver and numbering plan from the inventory, its secret from the
 * environment (upper case site name, "-" as "_"):
 *   - an API v1 site (the default): its site-scoped token, PBX_TOKEN_<SITE>;
 *   - a Wazo site (`"driver": "wazo"` with the wazo-auth `username`): that
 *     login's password, PBX_PASSWORD_<SITE>.
 * Pipe it into the secret config, so the secrets are never in a file or on a
 * command line:
 *
 *   PBX_TOKEN_PARIS=… PBX_TOKEN_BRUSSELS=… PBX_PASSWORD_LYON=… \
 *     node sites-config.js | pulumi config set --secret pbx:sites
 */
const fs = require("fs");
const path = require("path");

const inventory = JSON.parse(fs.readFileSync(process.argv[2] || path.join(__dirname, "inventory.json"), "utf8"));
const sites = {};
const missing = [];
for (const s of inventory.sites) {
  const suffix = s.site.toUpperCase().replace(/-/g, "_");
  if (s.driver === "wazo") {
    const envName = `PBX_PASSWORD_${suffix}`;
    if (!s.username) missing.push(`"username" (its wazo-auth login) in the inventory entry of ${s.site}`);
    if (!process.env[envName]) missing.push(envName);
    sites[s.site] = { driver: "wazo", url: s.url, username: s.username, password: process.env[envName], numberingPlan: s.numberingPlan };
  } else {
    const envName = `PBX_TOKEN_${suffix}`;
    if (!process.env[envName]) missing.push(envName);
    sites[s.site] = { url: s.url, token: process.env[envName], numberingPlan: s.numberingPlan };
  }
}
if (missing.length) {
  console.error(`set ${missing.join(", ")} (each site's own token, or its wazo-auth password)`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(sites));
