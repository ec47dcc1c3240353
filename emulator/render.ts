/**
 * Stored rows → API objects: metadata from the row, fields from the chosen
 * view, and the computed user fields (portal.passwordSet, tags of seed 004).
 */
import { computeUserTags } from "../sdk/schemas";
import { scopeOfRole, type Role } from "../sdk/schemas/user";
import type { Data, ObjectRow } from "./store/store";

/** Stored portal credentials: the password only as a hash (it is write-only). */
export interface StoredPortal {
  username: string | null;
  passwordHash: string | null;
}

/** Stored CTI (XiVO Client) login: the password only as a hash (it is write-only). */
export interface StoredCti {
  enabled: boolean;
  username: string | null;
  profile: string | null;
  passwordHash: string | null;
}

/** Render one object in the saved (default) or live view; undefined when absent from that view. */
export function renderObject(row: ObjectRow, view: "saved" | "live" = "saved"): Record<string, unknown> | undefined {
  const snap = view === "live" ? row.live : row.saved && { revision: row.revision, updatedAt: row.updatedAt, data: row.saved };
  if (!snap) return undefined;
  const base: Record<string, unknown> = {
    id: row.id,
    site: row.site,
    revision: snap.revision,
    applied: !row.dirty,
    createdAt: row.createdAt,
    updatedAt: snap.updatedAt,
    ...snap.data,
  };
  return row.kind === "user" ? renderUser(base) : base;
}

function renderUser(u: Data): Data {
  const portal = u.portal as StoredPortal;
  const voicemail = u.voicemail as { pin: string | null };
  const passwordSet = !!portal.passwordHash;
  const cti = (u.cti as StoredCti | undefined) ?? { enabled: false, username: null, profile: null, passwordHash: null };
  return {
    // Fields added later (issue 14) read as their defaults on users stored before them.
    callTransfer: false,
    supervision: true,
    bossSecretary: "none",
    agentNumber: null,
    hotDeskingPin: null,
    extraExtensions: [],
    ...u,
    scope: scopeOfRole(u.role as Role),
    voicemail: { email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true, ...(u.voicemail as Data) },
    portal: { username: portal.username, passwordSet },
    cti: { enabled: cti.enabled, username: cti.username, profile: cti.profile, passwordSet: !!cti.passwordHash },
    tags: computeUserTags({ email: u.email as string | null, voicemailPinSet: !!voicemail.pin, portalPasswordSet: passwordSet }),
  };
}
