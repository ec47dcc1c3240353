/**
 * The XiVO import format moved to the sdk (`sdk/import/xivoCsv.ts`): the provider's
 * `usersFromXivoCsv` checks the same file the import route accepts, and the
 * provider must not depend on the emulator. Kept here for existing imports.
 */
export * from "../../sdk/import/xivoCsv";
