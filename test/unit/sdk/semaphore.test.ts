/**
 * The concurrency limit: never more than `limit` tasks at once, in arrival order.
 */
import nock from "nock";
import { Semaphore } from "../../../sdk/drivers/apiv1/client/semaphore";
import { apiUser, testClient, useNock } from "./helpers";

useNock();

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("Semaphore", () => {
  it("runs at most `limit` tasks and starts the rest in arrival order", async () => {
    const sem = new Semaphore(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) => sem.run(async () => { started.push(i); await g.promise; return i; }));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    expect(sem.running).toBe(2);
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(sem.running).toBe(0);
  });

  it("frees the slot when a task fails", async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    await expect(sem.run(async () => "next")).resolves.toBe("next");
  });

  it("refuses a limit below 1", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe("PbxClient maxConcurrency", () => {
  it("keeps at most maxConcurrency requests in flight", async () => {
    const { client, url } = testClient({ maxConcurrency: 2 });
    let inFlight = 0;
    let peak = 0;
    const scope = nock(url)
      .get(/\/users\/usr_\d$/)
      .times(6)
      .reply(async function (uri) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return [200, apiUser({ id: uri.split("/").pop() })];
      });
    const ids = ["usr_1", "usr_2", "usr_3", "usr_4", "usr_5", "usr_6"];
    const users = await Promise.all(ids.map((id) => client.users.get(id)));
    expect(users.map((u) => u.id)).toEqual(ids);
    expect(peak).toBe(2);
    expect(scope.isDone()).toBe(true);
    client.close();
  });
});
