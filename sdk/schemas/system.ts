/**
 * Responses of the non-object endpoints: apply, import, health, metrics.
 */
import { z } from "zod";
import { UserSchema } from "./user";

/** `POST /sites/{site}/apply`: how many saved changes went live, and the site's revision after. */
export const ApplyResultSchema = z.object({ applied: z.int(), revision: z.int() }).meta({ id: "ApplyResult" });
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

/** `GET /sites/{site}/apply`: saved changes waiting for "Apply changes" (seed 000). */
export const ApplyStatusSchema = z
  .object({ pending: z.int(), lastAppliedAt: z.string().nullable(), applies: z.int() })
  .meta({ id: "ApplyStatus" });
export type ApplyStatus = z.infer<typeof ApplyStatusSchema>;

/** `POST /sites/{site}/import/users` (XiVO CSV, seed 002): the users made, all or nothing. */
export const ImportResultSchema = z.object({ created: z.array(UserSchema) }).meta({ id: "ImportResult" });
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** `GET /healthz`. */
export const HealthSchema = z.object({ status: z.literal("ok") });

/** `GET /metrics`: requests per "METHOD /route/pattern", applies and changes applied. */
export const MetricsSchema = z
  .object({ requests: z.record(z.string(), z.int()), applies: z.int(), appliedChanges: z.int() })
  .meta({ id: "Metrics" });
export type Metrics = z.infer<typeof MetricsSchema>;
