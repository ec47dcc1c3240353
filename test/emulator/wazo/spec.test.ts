/**
 * Our description of Wazo's operations: matching, request checks, and the
 * error strings confd makes of them.
 */
import { formatInputErrors, matchOperation, OPERATION_BY_ID, OPERATIONS, parseBody, pyRepr, validateRequest, wazoMessage } from "../../../sdk/drivers/wazo/spec";

function inputErrors(opId: string, body: unknown): string[] {
  const r = parseBody(OPERATION_BY_ID[opId], body);
  return r.ok ? [] : formatInputErrors(r.errors);
}

describe("Wazo spec: matching", () => {
  test("full and relative paths, literal segments before parameters", () => {
    expect(matchOperation("PUT", "/api/confd/1.1/users/42/funckeys/3")).toEqual({ operation: OPERATION_BY_ID.updateUserFuncKey, params: { user_id: "42", position: "3" } });
    expect(matchOperation("POST", "/api/confd/1.1/users/import")?.operation.id).toBe("importUsers");
    expect(matchOperation("POST", "/users", "auth")?.operation.id).toBe("createAuthUser");
    expect(matchOperation("POST", "/users")?.operation.id).toBe("createUser");
    expect(matchOperation("POST", "/api/auth/0.1/token")?.operation.id).toBe("createToken");
    expect(matchOperation("GET", "/api/confd/1.1/users/42?recurse=true")?.params).toEqual({ user_id: "42" });
    expect(matchOperation("PATCH", "/api/confd/1.1/users/42")).toBeUndefined();
    expect(matchOperation("GET", "/api/confd/1.1/nothing")).toBeUndefined();
  });

  test("operation ids are unique and every path is relative", () => {
    expect(new Set(OPERATIONS.map((o) => o.id)).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((o) => `${o.api} ${o.method} ${o.path}`)).size).toBe(OPERATIONS.length);
    for (const o of OPERATIONS) expect(o.path.startsWith("/") && !o.path.startsWith("/api/")).toBe(true);
  });
});

describe("Wazo spec: request checks", () => {
  test("a missing required field and an ignored one", () => {
    const problems = validateRequest("POST", "/api/confd/1.1/users", { lastname: "x", foo: 1 });
    expect(problems).toEqual([
      { where: "body", path: "firstname", message: "Missing data for required field.", severity: "error" },
      { where: "body", path: "foo", message: 'Wazo ignores field "foo" here', severity: "ignored" },
    ]);
  });

  test("not an operation", () => {
    expect(validateRequest("GET", "/api/confd/1.1/nope")[0]).toMatchObject({ where: "operation", severity: "error" });
  });

  test("ignored fields inside a destination are found per its type", () => {
    expect(validateRequest("POST", "/api/confd/1.1/incalls", { destination: { type: "user", user_id: 5, extra: 1 } })).toEqual([
      { where: "body", path: "destination.extra", message: 'Wazo ignores field "destination.extra" here', severity: "ignored" },
    ]);
  });

  test("confd's Input Error strings name the field with marshmallow's message", () => {
    expect(inputErrors("createUser", { firstname: 3, ring_seconds: 99999 })).toEqual([
      "Input Error - firstname: ['Not a valid string.']",
      "Input Error - ring_seconds: ['Must be greater than or equal to 0 and less than or equal to 10800.']",
    ]);
    expect(inputErrors("createUser", { firstname: "A", lines: [{ extensions: [{ exten: "1001" }] }] })).toEqual([
      "Input Error - lines: {0: {'context': ['Missing data for required field.']}}",
    ]);
    expect(inputErrors("createLine", { context: "x", extensions: [{ context: "x" }] })).toEqual(["Input Error - extensions: {0: {'exten': ['Missing data for required field.']}}"]);
    expect(inputErrors("createUser", { firstname: "A", call_record_enabled: true, call_record_outgoing_external_enabled: true })).toEqual([
      "Input Error - _schema: [\"'call_record_enabled' is deprecated and incompatible with 'call_record_*_enabled' options\"]",
    ]);
    expect(inputErrors("createIncall", { destination: { type: "user" } })).toEqual(["Input Error - destination: {'user_id': ['Missing data for required field.']}"]);
    expect(inputErrors("updateUserFuncKey", { destination: { type: "bogus" } })[0]).toMatch(/^Input Error - destination: \{'type': \['Must be one of: agent, bsfilter, /);
    expect(inputErrors("updateUserService", { enabled: "yes" })).toEqual(["Input Error - enabled: ['Not a valid boolean.']"]);
  });

  test("PUT bodies are partial at the first level only", () => {
    expect(inputErrors("updateUser", {})).toEqual([]);
    expect(inputErrors("updateGroup", { ring_strategy: "linear" })).toEqual([]);
    expect(inputErrors("createGroup", {})).toEqual(["Input Error - label: ['Missing data for required field.']"]);
  });

  test("integers given as digit strings are read as integers", () => {
    const r = parseBody(OPERATION_BY_ID.createIncall, { destination: { type: "user", user_id: "5" } });
    expect(r).toEqual({ ok: true, value: { destination: { type: "user", user_id: 5 } } });
  });
});

describe("Wazo spec: xivo-dao messages", () => {
  test("metadata in Python's repr", () => {
    expect(wazoMessage("Resource Error", "Extension already exists", { exten: "1001", context: "default" })).toBe("Resource Error - Extension already exists ('exten': '1001', 'context': 'default')");
    expect(wazoMessage("Resource Not Found", "User was not found", { id: 42 })).toBe("Resource Not Found - User was not found ('id': 42)");
    expect(pyRepr({ a: [1, "it's"], b: null })).toBe("{'a': [1, \"it's\"], 'b': None}");
  });
});
