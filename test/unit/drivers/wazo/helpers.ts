/**
 * Shared set-up of the Wazo driver's unit tests: one fake Wazo host per test
 * (nock), a driver whose retries wait ~1 ms and record the delays, fixtures
 * shaped as confd answers, and a recorder of every request the driver sent,
 * checked against our description of Wazo's operations (sdk/drivers/wazo/spec).
 */
import nock from "nock";
import { WazoDriver } from "../../../../sdk/drivers/wazo";
import type { WazoHttpOptions } from "../../../../sdk/drivers/wazo/http";
import { validateRequest } from "../../../../sdk/drivers/wazo/spec";
import type { DriverConnection } from "../../../../sdk/drivers/driver";

export const TOKEN = "wazo-tok-s3cr3t-never-print-me";
export const PASSWORD = "auth-pa55word-never-print-me";
export const TENANT = "11111111-2222-3333-4444-555555555555";
export const CONFD = "/api/confd/1.1";
export const AUTH = "/api/auth/0.1";
export const INTERNAL = "ctx-office-internal-1";
export const INCALL = "ctx-office-incall-2";
export const U1 = "aaaaaaaa-0000-4000-8000-000000000001";
export const U2 = "aaaaaaaa-0000-4000-8000-000000000002";
export const G1 = "bbbbbbbb-0000-4000-8000-000000000001";
export const SIP1 = "cccccccc-0000-4000-8000-000000000001";

let hostCount = 0;
/** A host no other test uses. */
export function uniqueHost(): string {
  hostCount += 1;
  return `http://wazo-${process.pid}-${hostCount}.test`;
}

/** A request the driver sent. */
export interface Call {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  body: unknown;
  headers: Record<string, unknown>;
}

/** A driver on a fresh host, the nock scope of that host, and what it sent. */
export interface TestWazo {
  driver: WazoDriver;
  host: string;
  scope: nock.Scope;
  calls: Call[];
  sleeps: number[];
}

export function testWazo(connection: Partial<DriverConnection> = {}, tuning: Partial<WazoHttpOptions> = {}): TestWazo {
  const host = connection.url ?? uniqueHost();
  const sleeps: number[] = [];
  const calls: Call[] = [];
  const scope = nock(host);
  scope.on("request", (req: { method: string; path: string; headers: Record<string, unknown> }, _i: unknown, body: string) => {
    let parsed: unknown = body;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      /* CSV or text */
    }
    calls.push({ method: req.method, path: req.path, body: parsed, headers: req.headers });
  });
  const driver = new WazoDriver(
    { site: "office", url: host, token: TOKEN, tenant: TENANT, ...connection },
    {
      timeoutMs: 2_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...tuning,
      retry: { baseDelayMs: 1, maxDelayMs: 4, jitter: 0, ...tuning.retry },
    },
  );
  return { driver, host, scope, calls, sleeps };
}

/** The tenant's contexts, answered once each when asked (optional: not every test needs both). */
export function contexts(scope: nock.Scope): void {
  scope
    .get(`${CONFD}/contexts`)
    .query((q) => q.type === "internal")
    .optionally()
    .reply(200, { items: [context(1, INTERNAL, "internal")], total: 1 });
  scope
    .get(`${CONFD}/contexts`)
    .query((q) => q.type === "incall")
    .optionally()
    .reply(200, { items: [context(2, INCALL, "incall")], total: 1 });
}

export function context(id: number, name: string, type: string): object {
  return { id, uuid: `dddddddd-0000-4000-8000-00000000000${id}`, tenant_uuid: TENANT, name, label: type, type, user_ranges: [], group_ranges: [], queue_ranges: [], conference_room_ranges: [], incall_ranges: [], description: null, enabled: true, links: [] };
}


/** Every request is an operation of our Wazo description, with a body Wazo takes whole (nothing ignored). */
export function expectValidRequests(calls: Call[]): void {
  const problems: string[] = [];
  for (const c of calls) {
    for (const p of validateRequest(c.method, c.path, c.body)) problems.push(`${c.method} ${c.path}: ${p.where} ${p.path} ${p.message} (${p.severity})`);
  }
  expect(problems).toEqual([]);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail");
}

/** nock with the network closed for a test file. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

// ---------------------------------------------------------------------------
// confd answers

export function wazoUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    uuid: U1,
    tenant_uuid: TENANT,
    firstname: "Alice",
    lastname: "Martin",
    email: "alice@example.com",
    timezone: null,
    language: null,
    description: null,
    caller_id: '"Alice Martin"',
    outgoing_caller_id: "default",
    mobile_phone_number: null,
    mobile_fallback_enabled: false,
    username: null,
    password: null,
    music_on_hold: null,
    preprocess_subroutine: null,
    userfield: null,
    call_transfer_enabled: false,
    dtmf_hangup_enabled: false,
    call_record_enabled: false,
    call_record_outgoing_external_enabled: false,
    call_record_outgoing_internal_enabled: false,
    call_record_incoming_external_enabled: false,
    call_record_incoming_internal_enabled: false,
    online_call_record_enabled: false,
    supervision_enabled: true,
    ring_seconds: 20,
    simultaneous_calls: 1,
    call_permission_password: null,
    subscription_type: 0,
    enabled: true,
    lines: [{ id: 7, name: "abcdefgh", extensions: [{ id: 70, exten: "1001", context: INTERNAL }], endpoint_sip: { uuid: SIP1 } }],
    voicemail: { id: 9, name: "Alice Martin" },
    groups: [],
    incalls: [],
    forwards: { busy: { enabled: false, destination: null }, noanswer: { enabled: false, destination: null }, unconditional: { enabled: false, destination: null } },
    fallbacks: { noanswer_destination: null, busy_destination: null, congestion_destination: null, fail_destination: null },
    services: { dnd: { enabled: false }, incallfilter: { enabled: false } },
    links: [],
    ...overrides,
  };
}

export function wazoEndpoint(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: SIP1,
    tenant_uuid: TENANT,
    name: "abcdefgh",
    label: null,
    aor_section_options: [],
    auth_section_options: [["username", "abcdefgh"], ["password", "sip-secret-xyz"]],
    endpoint_section_options: [],
    identify_section_options: [],
    registration_section_options: [],
    registration_outbound_auth_section_options: [],
    outbound_auth_section_options: [],
    templates: [],
    transport: null,
    asterisk_id: null,
    line: { id: 7 },
    trunk: null,
    links: [],
    ...overrides,
  };
}

export function wazoVoicemail(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 9,
    tenant_uuid: TENANT,
    name: "Alice Martin",
    number: "1001",
    context: INTERNAL,
    password: "4821",
    email: "alice@example.com",
    language: null,
    timezone: null,
    pager: null,
    max_messages: null,
    attach_audio: null,
    delete_messages: false,
    ask_password: true,
    enabled: true,
    options: [],
    accesstype: "personal",
    users: [{ uuid: U1 }],
    links: [],
    ...overrides,
  };
}

/** The reads of one user: the user, its endpoint, its voicemail, its wazo-auth login (404: none). */
export function userReads(scope: nock.Scope, user = wazoUser(), opts: { endpoint?: object; voicemail?: object; auth?: object | null } = {}): void {
  const uuid = String(user.uuid);
  scope.get(`${CONFD}/users/${uuid}`).reply(200, user);
  const lines = user.lines as Array<{ endpoint_sip?: { uuid: string } }>;
  if (lines?.[0]?.endpoint_sip) scope.get(`${CONFD}/endpoints/sip/${lines[0].endpoint_sip.uuid}`).reply(200, opts.endpoint ?? wazoEndpoint());
  const vm = user.voicemail as { id: number } | null;
  if (vm) scope.get(`${CONFD}/voicemails/${vm.id}`).reply(200, opts.voicemail ?? wazoVoicemail());
  if (opts.auth) scope.get(`${AUTH}/users/${uuid}`).reply(200, opts.auth);
  else scope.get(`${AUTH}/users/${uuid}`).reply(404, { reason: ["No such user"], timestamp: [0], status_code: 404 });
}

export function wazoIncall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 5,
    tenant_uuid: TENANT,
    preprocess_subroutine: null,
    greeting_sound: null,
    caller_id_mode: null,
    caller_id_name: null,
    description: null,
    destination: { type: "none" },
    extensions: [{ id: 50, exten: "3225550100", context: INCALL }],
    links: [],
    ...overrides,
  };
}

export function wazoGroup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 3,
    uuid: G1,
    tenant_uuid: TENANT,
    name: `grp-office-${G1}`,
    label: "Sales",
    preprocess_subroutine: null,
    ring_strategy: "all",
    caller_id_mode: null,
    caller_id_name: null,
    dtmf_record_toggle: false,
    timeout: 20,
    user_timeout: 20,
    retry_delay: 5,
    music_on_hold: null,
    ring_in_use: true,
    mark_answered_elsewhere: false,
    enabled: true,
    ignore_forward: false,
    max_calls: 0,
    extensions: [],
    members: { users: [], extensions: [] },
    incalls: [],
    links: [],
    ...overrides,
  };
}
