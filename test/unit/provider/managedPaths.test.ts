import { managedPaths, pickPaths } from "../../../provider/crud";
test("managed paths of lists of objects keep only the keys the program set", () => {
  const given = { site: "s", mode: "forward", onBusy: [{ number: "+1" }], voicemail: { pin: "1234" }, members: ["a", "b"], ownerMark: "m" };
  const paths = managedPaths(given);
  expect(paths).toEqual(["site", "mode", "onBusy", "onBusy[].number", "voicemail.pin", "members"]);
  const live = { site: "s", mode: "forward", onBusy: [{ number: "+1", ringSeconds: 20 }], voicemail: { pin: "1234", enabled: true }, members: ["a", "b"], role: "user" };
  expect(pickPaths(live, paths)).toEqual({ site: "s", mode: "forward", onBusy: [{ number: "+1" }], voicemail: { pin: "1234" }, members: ["a", "b"] });
});
