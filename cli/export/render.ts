/**
 * TypeScript source for the values of an exported program: literals, references
 * to other resources (`user1001.id`) and secret look-ups (`pin("1001")`), one
 * line when short, one member per line otherwise.
 */

/** An expression written as is: a reference or a call. `sample` stands for it when inputs are checked. */
export class Expr {
  constructor(
    readonly code: string,
    readonly sample: string,
  ) {}
}

export type Value = string | number | boolean | Expr | Value[] | { [key: string]: Value };

const WIDTH = 110;

const isIdentifier = (k: string) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k);

/** The source of `value`, starting at column `indent`. */
export function render(value: Value, indent = 0): string {
  const flat = inline(value);
  if (indent + flat.length <= WIDTH || !(Array.isArray(value) || isObject(value))) return flat;
  const pad = " ".repeat(indent + 2);
  if (Array.isArray(value)) return `[\n${value.map((v) => `${pad}${render(v, indent + 2)},\n`).join("")}${" ".repeat(indent)}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${pad}${key(k)}: ${render(v, indent + 2 + key(k).length + 2)},\n`).join("")}${" ".repeat(indent)}}`;
}

function isObject(v: Value): v is { [key: string]: Value } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Expr);
}

const key = (k: string) => (isIdentifier(k) ? k : JSON.stringify(k));

function inline(value: Value): string {
  if (value instanceof Expr) return value.code;
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (isObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${key(k)}: ${inline(v)}`).join(", ")} }`;
  }
  // JSON string literals are TypeScript string literals; non-ASCII stays readable.
  return JSON.stringify(value);
}

/** The value with every expression replaced by its sample: what the provider's check would see. */
export function sampleOf(value: Value): unknown {
  if (value instanceof Expr) return value.sample;
  if (Array.isArray(value)) return value.map(sampleOf);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sampleOf(v)]));
  return value;
}

/** `new pbx.<type>("<name>", { … });`, assigned to `variable` when something refers to it. */
export function block(type: string, name: string, args: Record<string, Value>, variable?: string, comments: string[] = []): string {
  const lead = variable ? `const ${variable} = ` : "";
  const body = Object.entries(args).map(([k, v]) => `  ${key(k)}: ${render(v, 2 + key(k).length + 2)},\n`).join("");
  return `${comments.map((c) => `// ${c}\n`).join("")}${lead}new pbx.${type}(${JSON.stringify(name)}, {\n${body}});\n`;
}
