/**
 * API v1 schemas: the single source of truth for types, request/response
 * validation (client, emulator, provider `check`) and the OpenAPI document.
 */
export * from "./common";
export * from "./error";
export * from "./page";
export * from "./site";
export * from "./user";
export * from "./incomingNumber";
export * from "./userGroup";
export * from "./functionKey";
export * from "./forwarding";
export * from "./system";
export * from "./device";
