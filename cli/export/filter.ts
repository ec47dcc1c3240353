/**
 * `--include` / `--exclude`: which objects an export keeps, by kind and by a
 * pattern on the natural key as it appears in the resource name (`user:1001`,
 * `number:3225550100`, `group:Sales`, `key:1001-3`, `forwarding:1001`, `device:desk-1001` — a device by its SIP user name,
 * an SCCP phone by its MAC).
 *
 * With no `--include` every object is kept; with some, only the objects that
 * match one (so `--include user` alone exports users only). `--exclude` then
 * removes what it matches. A pattern is a regular expression that must match
 * the whole key (`user:1[0-9]{3}` is extensions 1000–1999); no pattern matches
 * every key of the kind.
 */
import type { Kind } from "../../sdk/drivers/driver";

/** The kind names of the command line, as in the resource names. */
export const KIND_WORDS: Record<string, Kind> = {
  user: "user",
  number: "incomingNumber",
  group: "userGroup",
  key: "functionKey",
  forwarding: "forwarding",
  device: "device",
};

/** The command-line word of a kind (`incomingNumber` → `number`). */
export function wordOf(kind: Kind): string {
  return Object.entries(KIND_WORDS).find(([, k]) => k === kind)![0];
}

export interface Rule {
  /** The rule as written, for messages. */
  text: string;
  kind: Kind;
  pattern?: RegExp;
}

/** Parses `kind[:pattern]`; throws a message that names the rule. */
export function parseRule(text: string): Rule {
  const cut = text.indexOf(":");
  const word = (cut < 0 ? text : text.slice(0, cut)).trim();
  const kind = KIND_WORDS[word] ?? (Object.values(KIND_WORDS).includes(word as Kind) ? (word as Kind) : undefined);
  if (!kind) throw new Error(`"${text}": the kind must be one of ${Object.keys(KIND_WORDS).join(", ")} (e.g. user:1[0-9]{3})`);
  if (cut < 0 || text.slice(cut + 1) === "") return { text, kind };
  const source = text.slice(cut + 1);
  try {
    return { text, kind, pattern: new RegExp(`^(?:${source})$`) };
  } catch (e) {
    throw new Error(`"${text}": the pattern is not a valid regular expression (${(e as Error).message})`);
  }
}

export interface Filter {
  include: Rule[];
  exclude: Rule[];
}

export const NO_FILTER: Filter = { include: [], exclude: [] };

const matches = (rules: Rule[], kind: Kind, key: string) => rules.some((r) => r.kind === kind && (!r.pattern || r.pattern.test(key)));

/** Whether the object of `kind` with natural key `key` is exported. */
export function keeps(filter: Filter, kind: Kind, key: string): boolean {
  if (filter.include.length > 0 && !matches(filter.include, kind, key)) return false;
  return !matches(filter.exclude, kind, key);
}
