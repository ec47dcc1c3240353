/**
 * Incoming number (DID) and where its calls go (seed 000 "Destination type for
 * voice call": Not configured, Extension, Dial plan, Voicemail, Hang up,
 * Conference; user groups as destinations come from the same console).
 */
import { z } from "zod";
import { atMost, e164, freeText, IdSchema, MAX_CHARS, nonEmpty, ObjectMetaShape, ringSeconds, rule } from "./common";

/** Where calls to the number go, discriminated on `type`. */
export const DestinationSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("none") }).strict(), // "Not configured"
    z.object({ type: z.literal("user"), userId: IdSchema }).strict(), // "Extension"
    z.object({ type: z.literal("userGroup"), groupId: IdSchema }).strict(),
    z.object({ type: z.literal("voicemail"), userId: IdSchema }).strict(),
    z.object({ type: z.literal("dialPlan"), name: nonEmpty("dial_plan_empty", "dial plan name") }).strict(),
    z.object({ type: z.literal("conference"), room: nonEmpty("conference_room_empty", "conference room") }).strict(),
    z.object({ type: z.literal("hangup") }).strict(),
  ])
  .meta({ id: "Destination" });

export type Destination = z.infer<typeof DestinationSchema>;

/**
 * Where text messages (SMS) sent to the number go — the "SMS information"
 * the Axivox console lists beside each incoming number's Destination (seed
 * 000): nowhere, to an e-mail address, or to a user of the site.
 */
export const SmsRoutingSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("none") }).strict(),
    z
      .object({
        type: z.literal("email"),
        email: z
          .string()
          .trim()
          .refine((v) => z.email().safeParse(v).success, rule("sms_email_format", "SMS e-mail must be a valid address"))
          .refine(...atMost(MAX_CHARS.email, "sms_email_length", "SMS e-mail")),
      })
      .strict(),
    z.object({ type: z.literal("user"), userId: IdSchema }).strict(),
  ])
  .meta({ id: "SmsRouting" });

export type SmsRouting = z.infer<typeof SmsRoutingSchema>;

const numberFields = {
  number: e164("e164", "number"),
  destination: DestinationSchema,
  /** XiVO incall "Ring time in seconds" (seed 002). */
  ringSeconds: ringSeconds(30),
  description: freeText("description_length", "description", MAX_CHARS.description).nullable(),
  sms: SmsRoutingSchema,
};

/** Body of `POST /sites/{site}/incoming-numbers`. */
export const IncomingNumberCreateSchema = z
  .object({
    number: numberFields.number,
    destination: numberFields.destination.default({ type: "none" }),
    ringSeconds: numberFields.ringSeconds,
    description: numberFields.description.optional(),
    sms: numberFields.sms.default({ type: "none" }),
  })
  .strict()
  .meta({ id: "IncomingNumberCreate" });

/** Body of `PATCH /sites/{site}/incoming-numbers/{id}`. */
export const IncomingNumberUpdateSchema = z
  .object({
    number: numberFields.number.optional(),
    destination: numberFields.destination.optional(),
    ringSeconds: numberFields.ringSeconds.removeDefault().optional(),
    description: numberFields.description.optional(),
    sms: numberFields.sms.optional(),
  })
  .strict()
  .meta({ id: "IncomingNumberUpdate" });

/** An incoming number as returned. */
export const IncomingNumberSchema = z
  .object({
    ...ObjectMetaShape,
    number: z.string(),
    destination: DestinationSchema,
    ringSeconds: z.int(),
    description: z.string().nullable(),
    // Default: numbers saved before SMS routing existed send SMS nowhere.
    sms: SmsRoutingSchema.default({ type: "none" }),
  })
  .meta({ id: "IncomingNumber" });

export type IncomingNumber = z.infer<typeof IncomingNumberSchema>;
export type IncomingNumberCreate = z.input<typeof IncomingNumberCreateSchema>;
export type IncomingNumberCreateParsed = z.output<typeof IncomingNumberCreateSchema>;
export type IncomingNumberUpdate = z.input<typeof IncomingNumberUpdateSchema>;
export type IncomingNumberUpdateParsed = z.output<typeof IncomingNumberUpdateSchema>;
