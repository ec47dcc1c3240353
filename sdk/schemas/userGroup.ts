/**
 * User group (seed 000: a group of users that calls can ring, e.g. behind an
 * incoming number or a queue).
 */
import { z } from "zod";
import { IdSchema, nonEmpty, ObjectMetaShape, ringSeconds, rule } from "./common";

/**
 * The call-center queue a group is linked to (seed 000: "a grouping of
 * Axivox users that can be linked to a queue for call center capability"):
 * the queue's name or number on the PBX. Queues themselves are configured in
 * the console; pulumi-pbx declares only the link.
 */
export const QueueLinkSchema = nonEmpty("queue_empty", "queue");

/**
 * How members ring. The seeds name two: all at once (seed 001 "ring all
 * destinations simultaneously") and one after the other (seed 003 "First 30
 * sec one device and rest the other device").
 */
export const RingStrategySchema = z.enum(["allAtOnce", "inOrder"]);

const groupFields = {
  name: nonEmpty("group_name_empty", "group name"),
  /** User ids of the same site; order matters for `inOrder`. */
  members: z
    .array(IdSchema)
    .refine((m) => new Set(m).size === m.length, rule("members_unique", "a user is listed twice in members")),
  ringStrategy: RingStrategySchema,
  /** How long each member (inOrder) or the group (allAtOnce) rings. */
  ringSeconds: ringSeconds(20),
  queue: QueueLinkSchema.nullable(),
};

/** Body of `POST /sites/{site}/user-groups`. */
export const UserGroupCreateSchema = z
  .object({
    name: groupFields.name,
    members: groupFields.members.default([]),
    ringStrategy: groupFields.ringStrategy.default("allAtOnce"),
    ringSeconds: groupFields.ringSeconds,
    queue: groupFields.queue.optional(),
  })
  .strict()
  .meta({ id: "UserGroupCreate" });

/** Body of `PATCH /sites/{site}/user-groups/{id}`; `members` replaces the list. */
export const UserGroupUpdateSchema = z
  .object({
    name: groupFields.name.optional(),
    members: groupFields.members.optional(),
    ringStrategy: groupFields.ringStrategy.optional(),
    ringSeconds: groupFields.ringSeconds.removeDefault().optional(),
    queue: groupFields.queue.optional(),
  })
  .strict()
  .meta({ id: "UserGroupUpdate" });

/** A user group as returned. */
export const UserGroupSchema = z
  .object({
    ...ObjectMetaShape,
    name: z.string(),
    members: z.array(z.string()),
    ringStrategy: RingStrategySchema,
    ringSeconds: z.int(),
    // Default: groups saved before the queue link existed have none.
    queue: z.string().nullable().default(null),
  })
  .meta({ id: "UserGroup" });

export type RingStrategy = z.infer<typeof RingStrategySchema>;
export type UserGroup = z.infer<typeof UserGroupSchema>;
export type UserGroupCreate = z.input<typeof UserGroupCreateSchema>;
export type UserGroupCreateParsed = z.output<typeof UserGroupCreateSchema>;
export type UserGroupUpdate = z.input<typeof UserGroupUpdateSchema>;
export type UserGroupUpdateParsed = z.output<typeof UserGroupUpdateSchema>;
