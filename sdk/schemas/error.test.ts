/**
 * What a person reads when input does not fit: the API's rule ids (never
 * zod's codes) and words they can act on, for every zod issue the schemas
 * can raise; the numbering plan's rule in the plan's words.
 */
import { z } from "zod";
import {
  checkExtensionRule,
  DestinationSchema,
  extensionSchema,
  ForwardingCreateSchema,
  FunctionKeyCreateSchema,
  IncomingNumberCreateSchema,
  issueRule,
  NumberingPlanSchema,
  SiteCreateSchema,
  UserCreateSchema,
  UserGroupCreateSchema,
  UserUpdateSchema,
  zodIssues,
} from "./index";

const ZOD_CODES = ["invalid_type", "invalid_value", "invalid_union", "unrecognized_keys", "too_small", "too_big", "invalid_format", "not_multiple_of", "invalid_key", "invalid_element", "custom"];

const issuesOf = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to fail`);
  return zodIssues(r.error).map((i) => ({ path: i.path.join("."), rule: i.rule, message: i.message }));
};

describe("issueRule", () => {
  test.each([
    ["a wrong type", UserCreateSchema, { extension: "1001", firstName: 7 }, { path: "firstName", rule: "type", message: "must be a string" }],
    ["a missing field", UserCreateSchema, { extension: "1001" }, { path: "firstName", rule: "type", message: "is required" }],
    ["a fraction where a whole number goes", UserCreateSchema, { extension: "1001", firstName: "A", keyCount: 1.5 }, { path: "keyCount", rule: "type", message: "must be a whole number" }],
    ["a boolean", UserCreateSchema, { extension: "1001", firstName: "A", dnd: "yes" }, { path: "dnd", rule: "type", message: "must be true or false" }],
    ["a list", UserCreateSchema, { extension: "1001", firstName: "A", permissions: "userPortal" }, { path: "permissions", rule: "type", message: "must be a list" }],
    ["an enum", UserCreateSchema, { extension: "1001", firstName: "A", callRecording: "sometimes" }, { path: "callRecording", rule: "enum", message: "must be one of: off, onDemand, always" }],
    ["an enum in a list", UserCreateSchema, { extension: "1001", firstName: "A", permissions: ["superPower"] }, { path: "permissions.0", rule: "enum", message: expect.stringMatching(/^must be one of: userPortal, userManagement, /) }],
    ["a discriminated union", DestinationSchema, { type: "fax" }, { path: "type", rule: "discriminator", message: "must be one of: none, user, userGroup, voicemail, dialPlan, conference, hangup" }],
    ["a member of a union", DestinationSchema, { type: "user" }, { path: "userId", rule: "type", message: "is required" }],
    ["an unknown field", UserCreateSchema, { extension: "1001", firstName: "A", extention: "1" }, { path: "extention", rule: "unknown_field", message: 'unknown field "extention"' }],
    ["an unknown field inside voicemail", UserCreateSchema, { extension: "1001", firstName: "A", voicemail: { enabled: true, pinn: "4821" } }, { path: "voicemail.pinn", rule: "unknown_field", message: 'unknown field "pinn"' }],
    ["an unknown field inside portal", UserUpdateSchema, { portal: { user: "ann" } }, { path: "portal.user", rule: "unknown_field", message: 'unknown field "user"' }],
    ["an unknown field inside a numbering plan", NumberingPlanSchema, { minLenght: 2 }, { path: "minLenght", rule: "unknown_field", message: 'unknown field "minLenght"' }],
    ["an unknown field of a site", SiteCreateSchema, { name: "x", colour: "red" }, { path: "colour", rule: "unknown_field", message: 'unknown field "colour"' }],
    ["a rule of our own keeps its id and words", UserCreateSchema, { extension: "1001", firstName: "A", voicemail: { pin: "12" } }, { path: "voicemail.pin", rule: "pin_min_length", message: "voicemail PIN must be at least 4 digits" }],
  ])("%s", (_what, schema, input, expected) => {
    expect(issuesOf(schema as z.ZodType, input)).toContainEqual(expected);
  });

  test("no schema of the API answers with one of zod's codes as its rule", () => {
    const bad: [z.ZodType, unknown][] = [
      [UserCreateSchema, { extension: 1, firstName: null, email: 3, role: "boss", permissions: [1], voicemail: [], portal: "x", keyCount: "20", zz: 1 }],
      [UserUpdateSchema, { voicemail: { enabled: "no", ringsBeforeVoicemail: "4" }, portal: { password: 8 } }],
      [IncomingNumberCreateSchema, { number: 3225550100, destination: { type: "userGroup" }, ringSeconds: "30" }],
      [IncomingNumberCreateSchema, { number: "+3225550100", destination: "none" }],
      [UserGroupCreateSchema, { name: [], members: "a", ringStrategy: "random" }],
      [FunctionKeyCreateSchema, { type: "fax", position: "1" }],
      [ForwardingCreateSchema, { mode: "sometimes", always: [{ ringSeconds: "x", extra: 1 }] }],
      [SiteCreateSchema, { name: 1, numberingPlan: { minLength: "2", reserved: [{ from: 1 }] }, defaultKeyCount: [] }],
    ];
    for (const [schema, input] of bad) {
      const r = schema.safeParse(input);
      expect(r.success).toBe(false);
      for (const issue of r.error!.issues) {
        const { rule, message } = issueRule(issue);
        expect(ZOD_CODES).not.toContain(rule);
        expect(message).not.toMatch(/^Invalid (input|option)|Too (small|big)|Unrecognized key/);
      }
    }
  });
});

describe("extension under a numbering plan", () => {
  const plan = NumberingPlanSchema.parse({ minLength: 2, maxLength: 4 });

  test('"abcd" under a 2–4 digit plan says the plan\'s rule, not "1–10 digits"', () => {
    expect(checkExtensionRule("abcd", plan)).toEqual({ rule: "extension_digits", message: 'extension "abcd" must be 2–4 digits' });
    const r = UserCreateSchema.extend({ extension: extensionSchema(plan) }).safeParse({ extension: "abcd", firstName: "A" });
    expect(zodIssues(r.error!)).toEqual([{ path: ["extension"], rule: "extension_digits", message: 'extension "abcd" must be 2–4 digits' }]);
    expect(zodIssues(UserCreateSchema.safeParse({ extension: "abcd", firstName: "A" }).error!)[0].message).not.toMatch(/1–10/);
  });

  test("the plan's length and reserved ranges, in its words", () => {
    const reserved = NumberingPlanSchema.parse({ minLength: 3, maxLength: 4, reserved: [{ from: "900", to: "999" }] });
    expect(checkExtensionRule("12", reserved)).toEqual({ rule: "extension_length", message: 'extension "12" must be 3–4 digits' });
    expect(checkExtensionRule("950", reserved)?.rule).toBe("extension_reserved");
    expect(checkExtensionRule("１２３", reserved)?.rule).toBe("extension_digits");
    expect(extensionSchema(reserved).safeParse(" 1001 ").data).toBe("1001");
  });
});
