/**
 * The confd answers the driver tests are built on are answers Wazo gives:
 * each fixture passes the response schema of our Wazo description.
 */
import { schemas } from "../../../../sdk/drivers/wazo/spec";
import { wazoEndpoint, wazoGroup, wazoIncall, wazoUser, wazoVoicemail } from "./helpers";

const cases: Array<[string, { safeParse(v: unknown): { success: boolean; error?: unknown } }, unknown]> = [
  ["user", schemas.userResponse, wazoUser()],
  ["SIP endpoint", schemas.endpointSipResponse, wazoEndpoint()],
  ["voicemail", schemas.voicemailResponse, wazoVoicemail()],
  ["incall", schemas.incallResponse, wazoIncall()],
  ["group", schemas.groupResponse, wazoGroup()],
];

test.each(cases)("the %s fixture is a confd answer", (_name, schema, value) => {
  const r = schema.safeParse(value);
  expect(r.success ? [] : r.error).toEqual([]);
});
