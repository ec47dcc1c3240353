/**
 * pulumi-pbx: PBX telephony configuration as Pulumi resources.
 */
export const packageName = "pulumi-pbx";
