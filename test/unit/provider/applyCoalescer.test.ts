import { ApplyCoalescer } from "../../../provider/applyCoalescer";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ApplyCoalescer", () => {
  test("a burst of writes shares one apply, and each waits for it", async () => {
    let applies = 0;
    const c = new ApplyCoalescer({ apply: async () => { applies++; await tick(5); }, quietMs: 10 });
    const order: string[] = [];
    const waits = Array.from({ length: 50 }, (_, i) => c.afterWrite().then(() => order.push(`op${i}`)));
    expect(order).toEqual([]);
    await Promise.all(waits);
    expect(applies).toBe(1);
    expect(order).toHaveLength(50);
  });

  test("a write acknowledged during a running apply waits for the next apply", async () => {
    const started: number[] = [];
    let release!: () => void;
    const c = new ApplyCoalescer({
      apply: () => { started.push(Date.now()); return started.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve(); },
      quietMs: 1,
    });
    const first = c.afterWrite();
    await tick(10);
    expect(started).toHaveLength(1);
    let secondDone = false;
    const second = c.afterWrite().then(() => (secondDone = true));
    await tick(10);
    expect(secondDone).toBe(false); // the running apply may not include this write
    release();
    await first;
    await second;
    expect(started).toHaveLength(2);
  });

  test("a failed apply fails the operations it carried, and the next burst applies again", async () => {
    let calls = 0;
    const c = new ApplyCoalescer({
      apply: async () => { calls++; if (calls === 1) throw new Error("apply failed: PBX reload error"); },
      quietMs: 1,
    });
    const a = c.afterWrite();
    const b = c.afterWrite();
    await expect(a).rejects.toThrow("PBX reload error");
    await expect(b).rejects.toThrow("PBX reload error");
    await expect(c.afterWrite()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  test("a steady trickle of writes is applied within maxWaitMs", async () => {
    let applies = 0;
    const c = new ApplyCoalescer({ apply: async () => { applies++; }, quietMs: 20, maxWaitMs: 50 });
    const waits: Promise<void>[] = [];
    const start = Date.now();
    let firstDoneAt = 0;
    waits.push(c.afterWrite().then(() => { firstDoneAt = Date.now(); }));
    for (let i = 0; i < 10; i++) { await tick(10); waits.push(c.afterWrite()); }
    await Promise.all(waits);
    expect(firstDoneAt - start).toBeLessThan(100 + 50); // not pushed back by every later write
    expect(applies).toBeGreaterThanOrEqual(2);
  });
});
