#!/usr/bin/env node
/**
 * Prints the stack config `pbx:sites` for inventory.json: each site's url and
 * numbering plan from the inventory, its token from the environment variable
 * PBX_TOKEN_<SITE> (upper case, "-" as "_"). Pipe it into the secret config, so
 * the tokens are never in a file or on a command line:
 *
 *   PBX_TOKEN_PARIS=… PBX_TOKEN_BRUSSELS=… PBX_TOKEN_LYON=… \
 *     node sites-config.js | pulumi config set --secret pbx:sites
 */
const fs = require("fs");
const path = require("path");

const inventory = JSON.parse(fs.readFileSync(process.argv[2] || path.join(__dirname, "inventory.json"), "utf8"));
const sites = {};
const missing = [];
for (const s of inventory.sites) {
  const envName = `PBX_TOKEN_${s.site.toUpperCase().replace(/-/g, "_")}`;
  if (!process.env[envName]) missing.push(envName);
  sites[s.site] = { url: s.url, token: process.env[envName], numberingPlan: s.numberingPlan };
}
if (missing.length) {
  console.error(`set ${missing.join(", ")} (each site's own token)`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(sites));
