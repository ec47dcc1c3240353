/**
 * The pulumi-pbx SDK: the API v1 schemas, the typed client, its errors and retry policy.
 */
export * from "./schemas";
export * from "./drivers/apiv1/client";
export * from "./errors";
export * from "./retry";
