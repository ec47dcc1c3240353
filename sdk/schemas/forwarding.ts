/**
 * A user's call forwarding (seed 000 Forwardings and Follow Me tabs; seed 003
 * call forwarding vs find-me-follow-me). One per user; `PUT` creates or
 * replaces it.
 */
import { z } from "zod";
import { e164, IdSchema, ObjectMetaShape, ringSeconds } from "./common";
import { RingStrategySchema } from "./userGroup";

/**
 * What an external number of a step is (seed 003 "forward the call to desk
 * phone or mobile phone and provide the number"). Only a `number` step has one.
 */
export const ForwardNumberKindSchema = z.enum(["deskPhone", "mobile"]);

/**
 * One staggered destination: a user of the site or an external number, rung
 * for `ringSeconds` (seed 000 "sliding the seconds bar to the desired ring time").
 */
export const ForwardingStepSchema = z
  .object({
    userId: IdSchema.optional(),
    number: e164("e164", "forwarding number").optional(),
    /** Desk phone or mobile (seed 003); only with `number`. */
    numberKind: ForwardNumberKindSchema.optional(),
    ringSeconds: ringSeconds(20),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.userId === undefined) === (s.number === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "a step needs exactly one of userId or number", params: { rule: "step_target" } });
    }
    if (s.numberKind !== undefined && s.number === undefined) {
      ctx.addIssue({ code: "custom", path: ["numberKind"], message: "numberKind says what an external number is: give it only with number", params: { rule: "step_number_kind" } });
    }
  })
  .meta({ id: "ForwardingStep" });

export type ForwardingStep = z.infer<typeof ForwardingStepSchema>;

/** off: calls ring the user only; forward: the four forwarding lists; followMe: the follow-me list. */
export const ForwardingModeSchema = z.enum(["off", "forward", "followMe"]);

/**
 * The four forwarding lists of seed 000 (plus "unreachable": seed 003 fail-over
 * mode, "only if all devices under the user are unregistered").
 */
export const FORWARDING_LISTS = ["onNoAnswer", "onBusy", "always", "whenUnreachable"] as const;

const steps = z.array(ForwardingStepSchema).default([]);

/**
 * Whose caller ID the destination of a forwarded call sees: the original
 * caller's, or the forwarding user's own (seed 003 "Keep your caller-ID –
 * Caller ID would display as user's caller id on the forwarded number").
 */
export const ForwardedCallerIdSchema = z.enum(["caller", "user"]);

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
    /**
     * How the steps of a list ring: one after the other, each for its
     * ringSeconds (seed 000 staggered ring times; seed 003 "First 30 sec one
     * device and rest the other device"), or all at once (seed 001 "ring all
     * destinations simultaneously"; seed 003 "Ring both devices simultaneously").
     */
    ringStrategy: RingStrategySchema.default("inOrder"),
    /** Seed 003 "Require key Press": the destination presses a key to accept the call. */
    requireKeyPress: z.boolean().default(false),
    /** Seed 003 "Forward direct calls only": calls to the user's own extension or numbers, not group calls. */
    directCallsOnly: z.boolean().default(false),
    /** Seed 003 "Keep your caller-ID": see {@link ForwardedCallerIdSchema}. */
    forwardedCallerId: ForwardedCallerIdSchema.default("caller"),
  })
  .strict()
  .superRefine((f, ctx) => {
    // Seed 003: the destination of a forwarded call presses a key to accept it —
    // an external phone; a user of the site answers as usual.
    if (f.requireKeyPress && f.mode !== "off") {
      const lists = f.mode === "followMe" ? (["followMe"] as const) : FORWARDING_LISTS;
      if (!lists.some((l) => f[l].some((s) => s.number !== undefined))) {
        ctx.addIssue({ code: "custom", path: ["requireKeyPress"], message: "requireKeyPress asks an external number to press a key: add a step with a number, or leave it false", params: { rule: "key_press_needs_number" } });
      }
    }
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

const stepOut = z.array(z.object({ userId: z.string().optional(), number: z.string().optional(), numberKind: ForwardNumberKindSchema.optional(), ringSeconds: z.int() }));

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
    // Defaults: objects saved before these fields existed read as the PBX defaults.
    ringStrategy: RingStrategySchema.default("inOrder"),
    requireKeyPress: z.boolean().default(false),
    directCallsOnly: z.boolean().default(false),
    forwardedCallerId: ForwardedCallerIdSchema.default("caller"),
  })
  .meta({ id: "Forwarding" });

export type ForwardingMode = z.infer<typeof ForwardingModeSchema>;
export type ForwardedCallerId = z.infer<typeof ForwardedCallerIdSchema>;
export type Forwarding = z.infer<typeof ForwardingSchema>;
export type ForwardingCreate = z.input<typeof ForwardingCreateSchema>;
export type ForwardingCreateParsed = z.output<typeof ForwardingCreateSchema>;
export type ForwardingUpdate = ForwardingCreate;
