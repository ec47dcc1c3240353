/**
 * A user's call forwarding (seed 000 Forwardings and Follow Me tabs; seed 003
 * call forwarding vs find-me-follow-me). One per user; `PUT` creates or
 * replaces it.
 */
import { z } from "zod";
import { e164, IdSchema, ObjectMetaShape, ringSeconds } from "./common";

/**
 * One staggered destination: a user of the site or an external number, rung
 * for `ringSeconds` (seed 000 "sliding the seconds bar to the desired ring time").
 */
export const ForwardingStepSchema = z
  .object({
    userId: IdSchema.optional(),
    number: e164("e164", "forwarding number").optional(),
    ringSeconds: ringSeconds(20),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.userId === undefined) === (s.number === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "a step needs exactly one of userId or number", params: { rule: "step_target" } });
    }
  })
  .meta({ id: "ForwardingStep" });

export type ForwardingStep = z.infer<typeof ForwardingStepSchema>;

/** off: calls ring the user only; forward: the four forwarding lists; followMe: the follow-me list. */
export const ForwardingModeSchema = z.enum(["off", "forward", "followMe"]);

/** The four forwarding lists of seed 000 (plus "unreachable", seed 003 fail-over mode). */
export const FORWARDING_LISTS = ["onNoAnswer", "onBusy", "always", "whenUnreachable"] as const;

const steps = z.array(ForwardingStepSchema).default([]);

/** Body of `PUT /sites/{site}/users/{userId}/forwarding`. */
export const ForwardingCreateSchema = z
  .object({
    /** Owner; optional in the body because the path names it — must match if given. */
    userId: IdSchema.optional(),
    mode: ForwardingModeSchema,
    onNoAnswer: steps,
    onBusy: steps,
    always: steps,
    whenUnreachable: steps,
    /** "Send to voicemail as a last resort" (seed 000). */
    voicemailLastResort: z.boolean().default(false),
    /** Follow-me destinations; the user's own phone does not ring (seed 000). */
    followMe: steps,
  })
  .strict()
  .superRefine((f, ctx) => {
    // Seed 000: "Forwardings are disabled when the Follow Me option is enabled";
    // seed 003: either one blocks enabling the other. Asking for both is an error.
    if (f.mode === "followMe") {
      for (const list of FORWARDING_LISTS) {
        if (f[list].length > 0) {
          ctx.addIssue({ code: "custom", path: [list], message: `follow-me and forwardings exclude each other: remove ${list} or use mode "forward"`, params: { rule: "forwarding_followme_exclusive" } });
        }
      }
      if (f.voicemailLastResort) {
        ctx.addIssue({ code: "custom", path: ["voicemailLastResort"], message: "voicemailLastResort belongs to forwardings, not follow-me", params: { rule: "forwarding_followme_exclusive" } });
      }
      if (f.followMe.length === 0) {
        ctx.addIssue({ code: "custom", path: ["followMe"], message: "follow-me needs at least one destination", params: { rule: "followme_steps_required" } });
      }
    } else if (f.followMe.length > 0) {
      ctx.addIssue({ code: "custom", path: ["followMe"], message: `follow-me and forwardings exclude each other: use mode "followMe" or remove followMe`, params: { rule: "forwarding_followme_exclusive" } });
    }
  })
  .meta({ id: "ForwardingCreate" });

/** PUT replaces the whole forwarding, so an update is the same body as a create. */
export const ForwardingUpdateSchema = ForwardingCreateSchema;

const stepOut = z.array(z.object({ userId: z.string().optional(), number: z.string().optional(), ringSeconds: z.int() }));

/** A forwarding as returned. */
export const ForwardingSchema = z
  .object({
    ...ObjectMetaShape,
    userId: z.string(),
    mode: ForwardingModeSchema,
    onNoAnswer: stepOut,
    onBusy: stepOut,
    always: stepOut,
    whenUnreachable: stepOut,
    voicemailLastResort: z.boolean(),
    followMe: stepOut,
  })
  .meta({ id: "Forwarding" });

export type ForwardingMode = z.infer<typeof ForwardingModeSchema>;
export type Forwarding = z.infer<typeof ForwardingSchema>;
export type ForwardingCreate = z.input<typeof ForwardingCreateSchema>;
export type ForwardingCreateParsed = z.output<typeof ForwardingCreateSchema>;
export type ForwardingUpdate = ForwardingCreate;
