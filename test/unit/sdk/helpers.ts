/**
 * Shared set-up of the sdk unit tests: one fake host per test, a client whose
 * retries wait ~1 ms and record the delays asked for, and API objects that
 * pass the shared schemas.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import nock from "nock";
import { PbxClient, PbxClientOptions } from "../../../sdk/drivers/apiv1/client";
import type { FunctionKey, IncomingNumber, User, UserGroup } from "../../../sdk/schemas";

export const TOKEN = "tok_s3cr3t-never-print-me";
export const SITE = "demo";
export const BASE = `/api/v1/sites/${SITE}`;

let hostCount = 0;

/** A host no other test uses, so an unconsumed interceptor cannot leak across tests. */
export function uniqueHost(): string {
  hostCount += 1;
  return `http://pbx-${process.pid}-${hostCount}.test`;
}

/** A client plus the delays its retries asked for. */
export interface TestClient {
  client: PbxClient;
  url: string;
  sleeps: number[];
}

/** A client on a fresh host: no jitter, 1 ms base delay, sleeps recorded and not waited for. */
export function testClient(options: Partial<PbxClientOptions> = {}): TestClient {
  const url = options.url ?? uniqueHost();
  const sleeps: number[] = [];
  const client = new PbxClient({
    url,
    token: TOKEN,
    site: SITE,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
    retry: { baseDelayMs: 1, maxDelayMs: 4, jitter: 0, ...options.retry },
  });
  return { client, url, sleeps };
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

/** An API error body as the PBX sends it. */
export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): object {
  return { error: { code, message, requestId: "req_1", ...extra } };
}

const meta = { site: SITE, revision: 1, applied: false, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z" };

/** A user as the PBX returns it. */
export function apiUser(overrides: Partial<User> = {}): User {
  return {
    ...meta,
    id: "usr_1",
    extension: "1001",
    firstName: "Alice",
    lastName: "Martin",
    email: "alice@example.com",
    mobileNumber: null,
    department: null,
    language: null,
    role: "user",
    permissions: [],
    directoryListed: true,
    multipleCalls: false,
    loginRequired: false,
    dnd: false,
    callRecording: "off",
    outgoingCallerId: null,
    keyCount: 20,
    voicemail: { enabled: true, pin: null, ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true },
    portal: { username: null, passwordSet: false }, scope: "Basic User", callTransfer: false, supervision: true, bossSecretary: "none", agentNumber: null, hotDeskingPin: null, extraExtensions: [], cti: { enabled: false, username: null, profile: null, passwordSet: false },
    sipUsername: "1001",
    sipDomain: "demo.pbx.test",
    sipProxy: "sip.pbx.test",
    sipPassword: "generated-sip-secret",
    tags: ["New", "Password Required"],
    ...overrides,
  };
}

/** An incoming number as the PBX returns it. */
export function apiNumber(overrides: Partial<IncomingNumber> = {}): IncomingNumber {
  return { ...meta, id: "num_1", number: "+3225550100", destination: { type: "none" }, ringSeconds: 30, description: null, sms: { type: "none" }, ...overrides };
}

/** A user group as the PBX returns it. */
export function apiGroup(overrides: Partial<UserGroup> = {}): UserGroup {
  return { ...meta, id: "grp_1", name: "Sales", members: [], ringStrategy: "allAtOnce", ringSeconds: 20, queue: null, ...overrides };
}

/** A function key as the PBX returns it. */
export function apiKey(overrides: Partial<FunctionKey> = {}): FunctionKey {
  return { ...meta, id: "key_1", userId: "usr_1", position: 1, type: "blf", targetUserId: "usr_2", targetGroupId: null, number: null, forward: null, service: null, transfer: null, label: null, supervision: true, ...overrides };
}

/** A list page. */
export function page<T>(items: T[], total = items.length, pageNo = 1, pageSize = 500): object {
  return { items, page: pageNo, pageSize, total };
}

/** nock with the network closed, for a test file's beforeAll/afterEach. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // Jest may run every file in one process: leave no interceptor behind for the next file.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** One scripted answer of a {@link scriptedServer}: a status and JSON body, or a dropped connection. */
export type Step = "reset" | [status: number, body?: unknown];

/** A request a {@link scriptedServer} received. */
export interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A real HTTP server answering with `steps`, one per request. */
export interface ScriptedServer {
  url: string;
  received: Received[];
  /** True when every step was used (the `scope.isDone()` of a real server). */
  isDone(): boolean;
  close(): Promise<void>;
}

/**
 * A real server for connection resets. nock 14 delivers a `replyWithError`
 * to the socket after the request has failed, which surfaces as an unhandled
 * "socket hang up" in a later test; a real destroyed socket behaves as a PBX
 * or a proxy dropping the connection does.
 */
export async function scriptedServer(steps: Step[]): Promise<ScriptedServer> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    received.push({ method: String(req.method), url: String(req.url), headers: req.headers });
    const step = steps[received.length - 1];
    req.resume();
    req.on("end", () => {
      if (step === undefined || step === "reset") return void req.socket.destroy();
      const [status, body] = step;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  nock.enableNetConnect("127.0.0.1");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    isDone: () => received.length === steps.length,
    close: () =>
      new Promise<void>((resolve) => {
        nock.disableNetConnect();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
