/**
 * The embedded PBX emulator: a reference server for API v1.
 *
 * ```ts
 * const pbx = await startEmulator({ dataFile: ":memory:" });
 * // … pbx.url, pbx.adminToken …
 * await pbx.close();
 * ```
 */
export { createApp } from "./app";
export { startEmulator, generateAdminToken, type RunningEmulator, type StartOptions } from "./server";
export type { EmulatorOptions, FaultOptions } from "./options";
export { parseXivoCsv, XIVO_COLUMN_FOR_FIELD, type XivoRow } from "./import/xivoCsv";
