/**
 * pulumi-pbx: PBX telephony configuration as Pulumi resources.
 *
 * The six resources (module `pbx`): User, IncomingNumber, UserGroup, FunctionKey,
 * Forwarding, Device. Connection settings come from stack config (`pbx:url`, `pbx:token`,
 * `pbx:site`, `pbx:sites`, `pbx:applyChanges`, `pbx:numberingPlan`); see
 * provider/config.ts.
 */
export { User } from "./provider/resources/user";
export type { UserArgs, VoicemailArgs, PortalArgs } from "./provider/resources/user";
export { IncomingNumber } from "./provider/resources/incomingNumber";
export type { IncomingNumberArgs, DestinationArgs, SmsRoutingArgs } from "./provider/resources/incomingNumber";
export { UserGroup } from "./provider/resources/userGroup";
export type { UserGroupArgs } from "./provider/resources/userGroup";
export { FunctionKey } from "./provider/resources/functionKey";
export type { FunctionKeyArgs } from "./provider/resources/functionKey";
export { Forwarding } from "./provider/resources/forwarding";
export type { ForwardingArgs, ForwardStepArgs } from "./provider/resources/forwarding";
export { Device } from "./provider/resources/device";
export type { DeviceArgs } from "./provider/resources/device";
export type { CommonArgs } from "./provider/resources/common";
export { ApplyChanges, ApplyGuard, applyChangesOnce, type ApplyChangesArgs, type ApplyChangesOnceOptions } from "./provider/resources/applyChanges";
export { usersFromXivoCsv, readXivoCsv, XivoCsvError, type XivoCsvOptions, type XivoCsvResources, type XivoCsvProblem } from "./provider/csv";
