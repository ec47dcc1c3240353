/**
 * A small office on one PBX site: a dozen people, a reception group that the main
 * number rings, a sales line, busy-lamp keys on the reception phones and forwarding
 * to voicemail or a colleague.
 *
 * Runs against the embedded emulator (`npm start`) or a real PBX: set `pbx:url`,
 * `pbx:token` (secret) and `pbx:site`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pbx from "pulumi-pbx";

// Save every change as the run goes and apply each site once at the end (seed 000:
// Save, then "Apply changes"), instead of one apply per burst of writes.
pbx.applyChangesOnce();

const config = new pulumi.Config("office");
// The same office on a Wazo Platform PBX (`pbx:driver wazo`): Wazo has no portal roles and
// no follow-me, and the wazo driver refuses them at preview (rule driver_unsupported), so
// the program says what it wants there instead of relying on an approximation.
const onWazo = (new pulumi.Config("pbx").get("driver") ?? process.env.PBX_DRIVER) === "wazo";
// Voicemail PINs and portal passwords come from secret config, never from code.
const defaultPin = config.getSecret("voicemailPin") ?? pulumi.secret("4821");

interface Person {
  key: string;
  extension: string;
  firstName: string;
  lastName: string;
  department: string;
  role?: "user" | "admin";
}

const people: Person[] = [
  { key: "alice", extension: "1001", firstName: "Alice", lastName: "Martin", department: "Reception", role: "admin" },
  { key: "bob", extension: "1002", firstName: "Bob", lastName: "Dupont", department: "Reception" },
  { key: "chloe", extension: "1003", firstName: "Chloé", lastName: "Lambert", department: "Sales" },
  { key: "david", extension: "1004", firstName: "David", lastName: "Peeters", department: "Sales" },
  { key: "emma", extension: "1005", firstName: "Emma", lastName: "Janssens", department: "Sales" },
  { key: "farid", extension: "1006", firstName: "Farid", lastName: "Benali", department: "Support" },
  { key: "gwen", extension: "1007", firstName: "Gwen", lastName: "Claes", department: "Support" },
  { key: "hugo", extension: "1008", firstName: "Hugo", lastName: "Mertens", department: "Support" },
  { key: "ines", extension: "1009", firstName: "Inès", lastName: "Willems", department: "Finance" },
  { key: "jules", extension: "1010", firstName: "Jules", lastName: "Dubois", department: "Finance" },
  { key: "karin", extension: "1011", firstName: "Karin", lastName: "Maes", department: "Management", role: "admin" },
  { key: "louis", extension: "1012", firstName: "Louis", lastName: "Jacobs", department: "IT", role: "admin" },
];

const users: Record<string, pbx.User> = {};
for (const p of people) {
  users[p.key] = new pbx.User(p.key, {
    extension: p.extension,
    firstName: p.firstName,
    lastName: p.lastName,
    email: `${p.key}@example.com`,
    department: p.department,
    role: onWazo ? undefined : p.role ?? "user",
    voicemail: { enabled: true, pin: defaultPin, ringsBeforeVoicemail: 4 },
  });
}

const reception = new pbx.UserGroup("reception", {
  name: "Reception",
  members: [users.alice.id, users.bob.id],
});
const sales = new pbx.UserGroup("sales", {
  name: "Sales",
  members: [users.chloe.id, users.david.id, users.emma.id],
});

new pbx.IncomingNumber("main", {
  number: "+3225550100",
  destination: { type: "userGroup", groupId: reception.id },
  // Text messages to the main number reach the reception mailbox (seed 000 "SMS
  // information"); Wazo routes no SMS per number, so the program leaves it out there.
  sms: onWazo ? undefined : { type: "email", email: "reception@example.com" },
});
new pbx.IncomingNumber("sales-line", {
  number: "+3225550101",
  destination: { type: "userGroup", groupId: sales.id },
});

// Reception sees who is on the phone: a busy-lamp key per colleague.
["chloe", "david", "emma", "farid"].forEach((who, i) => {
  new pbx.FunctionKey(`alice-blf-${who}`, { userId: users.alice.id, position: i + 1, type: "blf", targetUserId: users[who].id });
});
new pbx.FunctionKey("bob-blf-alice", { userId: users.bob.id, position: 1, type: "blf", targetUserId: users.alice.id });

// Unanswered calls to sales go to a colleague, then voicemail.
new pbx.Forwarding("chloe-fwd", {
  userId: users.chloe.id,
  mode: "forward",
  onNoAnswer: [{ userId: users.david.id, ringSeconds: 20 }],
  voicemailLastResort: true,
});
// Karin's calls follow her to her mobile (on Wazo: an unconditional forward to it).
new pbx.Forwarding("karin-followme", onWazo
  ? { userId: users.karin.id, mode: "forward", always: [{ number: "+32470123456" }] }
  : { userId: users.karin.id, mode: "followMe", followMe: [{ number: "+32470123456", ringSeconds: 25 }] });

export const extensions = Object.fromEntries(people.map((p) => [p.key, users[p.key].extension]));
export const receptionGroupId = reception.id;
export const aliceSipUsername = users.alice.sipUsername;
