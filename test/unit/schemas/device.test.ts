/**
 * The Device schema: every rule id, table-style, and the MAC normalisation
 * (seed 003 Devices, seed 002 line protocol/name/secret).
 */
import { DeviceCreateSchema, DeviceUpdateSchema, deviceProblems, isMac, normalizeMac, PHONE_MODELS, zodIssues } from "../../../sdk/schemas";

const base = { name: "Desk", userId: "usr_1", sipUsername: "alice-desk" };
const rulesOf = (v: unknown) => {
  const r = DeviceCreateSchema.safeParse(v);
  return r.success ? [] : zodIssues(r.error).map((i) => `${i.path.join(".")}:${i.rule}`);
};

describe("Device schema", () => {
  test("defaults: a SIP desk device; the MAC in one form", () => {
    expect(DeviceCreateSchema.parse({ ...base, macAddress: "00-15-65-AA-BB-CC", make: "yealink", model: "T46U" })).toEqual({
      ...base, type: "sip", protocol: "sip", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U",
    });
  });

  test.each([
    ["0015.65aa.bbcc", "00:15:65:aa:bb:cc"],
    ["001565AABBCC", "00:15:65:aa:bb:cc"],
    [" 00:15:65:Aa:bB:cC ", "00:15:65:aa:bb:cc"],
    ["00:15:65:aa:bb", "00:15:65:aa:bb"],
  ])("normalizeMac(%j) = %j", (input, out) => expect(normalizeMac(input)).toBe(out));

  test("isMac: a phone's own address only", () => {
    expect(isMac("00:15:65:aa:bb:cc")).toBe(true);
    for (const bad of ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:15:65:aa:bb", "00:15:65:aa:bb:cg"]) expect(isMac(bad)).toBe(false);
  });

  test.each([
    [{ ...base, name: "" }, "name:device_name_empty"],
    [{ ...base, name: "x".repeat(101) }, "name:device_name_length"],
    [{ ...base, sipUsername: "a b" }, "sipUsername:sip_username_format"],
    [{ ...base, sipUsername: "-lead" }, "sipUsername:sip_username_format"],
    [{ ...base, sipUsername: undefined }, "sipUsername:sip_username_required"],
    [{ ...base, sipPassword: "1234567" }, "sipPassword:sip_password_format"],
    [{ ...base, sipPassword: "x".repeat(65) }, "sipPassword:sip_password_format"],
    [{ ...base, sipPassword: "pässwörd-long" }, "sipPassword:sip_password_format"],
    [{ ...base, macAddress: "nope", make: "yealink", model: "T46U" }, "macAddress:mac_format"],
    [{ ...base, macAddress: "00:15:65:aa:bb:cc", make: "toString", model: "T46U" }, "make:device_make_unknown"],
    [{ ...base, macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "VVX 450" }, "model:device_model_unknown"],
    [{ ...base, macAddress: "00:15:65:aa:bb:cc", make: "yealink" }, "model:device_provisioning_incomplete"],
    [{ ...base, model: "T46U" }, "macAddress:device_provisioning_incomplete"],
    [{ ...base, type: "mobile", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }, "macAddress:device_mobile_no_provisioning"],
    [{ ...base, type: "mobile", protocol: "sccp", sipUsername: undefined, macAddress: undefined }, "protocol:device_mobile_sip"],
    [{ ...base, protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" }, "sipUsername:device_sccp_no_sip_credentials"],
    [{ name: "Lobby", userId: "u", protocol: "sccp", sipPassword: "long-enough", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" }, "sipPassword:device_sccp_no_sip_credentials"],
    [{ name: "Lobby", userId: "u", protocol: "sccp" }, "macAddress:device_sccp_needs_mac"],
    [{ name: "Lobby", userId: "u", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "8845" }, "model:device_model_protocol"],
    [{ name: "Lobby", userId: "u", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "snom", model: "D735" }, "make:device_model_protocol"],
    [{ ...base, type: "deskphone" }, "type:enum"],
    [{ ...base, protocol: "iax" }, "protocol:enum"],
    [{ ...base, owner: "usr_1" }, "owner:unknown_field"],
  ])("%#: %j breaks %s", (input, expected) => {
    expect(rulesOf(input)).toContain(expected);
  });

  test("valid shapes: SCCP phone, mobile app, a password given", () => {
    expect(rulesOf({ name: "Lobby", userId: "u", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7962G" })).toEqual([]);
    expect(rulesOf({ ...base, type: "mobile" })).toEqual([]);
    expect(rulesOf({ ...base, sipPassword: "S3cret!pass" })).toEqual([]);
  });

  test("every make's list is non-empty and the rules read the same list", () => {
    for (const [make, models] of Object.entries(PHONE_MODELS)) {
      expect(models.length).toBeGreaterThan(0);
      expect(deviceProblems({ sipUsername: "a", macAddress: "00:15:65:aa:bb:cc", make, model: models[0] })).toEqual([]);
    }
  });

  test("a PATCH body checks fields alone (the PBX checks the merged object)", () => {
    expect(DeviceUpdateSchema.safeParse({ model: "T46U" }).success).toBe(true);
    expect(DeviceUpdateSchema.parse({ macAddress: "0015.65AA.BBCC" })).toEqual({ macAddress: "00:15:65:aa:bb:cc" });
    expect(DeviceUpdateSchema.safeParse({ macAddress: null, make: null, model: null }).success).toBe(true);
  });
});
