/**
 * Reads in bulk: concurrent reads of a collection share one list; misses,
 * writes and failed lists fall back to single GETs, so nothing reads as
 * deleted unless a GET says so.
 */
import { bulkGet, bulkStats, invalidate } from "../../../provider/bulkReads";
import { PbxNotFoundError } from "../../../sdk/errors";
import type { KindDriver } from "../../../sdk/drivers/driver";

type Obj = { id: string; name: string };

function fakeDriver(objects: Obj[], opts: { failList?: boolean } = {}) {
  const calls = { list: 0, get: 0 };
  const d = {
    list: async () => {
      calls.list++;
      if (opts.failList) throw new Error("page 3 failed: 503");
      return objects.map((o) => ({ ...o }));
    },
    get: async (id: string) => {
      calls.get++;
      const o = objects.find((x) => x.id === id);
      if (!o) throw new PbxNotFoundError({ status: 404, method: "GET", path: `/x/${id}`, code: "not_found", detail: "gone" });
      return { ...o };
    },
    idOf: (o: Obj) => o.id,
  } as unknown as KindDriver<"userGroup">;
  return { d, calls };
}

let scope = 0;
const nextScope = () => `site-${scope++}`;

test("a refresh of 100 objects costs one list and two GETs", async () => {
  const objects = Array.from({ length: 100 }, (_, i) => ({ id: `g${i}`, name: `G${i}` }));
  const { d, calls } = fakeDriver(objects);
  const site = nextScope();
  const got = await Promise.all(objects.map((o) => bulkGet(site, "userGroup", d, o.id)));
  expect(got.map((g) => (g as unknown as Obj).name)).toEqual(objects.map((o) => o.name));
  expect(calls).toEqual({ list: 1, get: 2 });
});

test("an id missing from the list is read with a GET: only its 404 says deleted", async () => {
  const objects = [1, 2, 3, 4].map((i) => ({ id: `g${i}`, name: `G${i}` }));
  const { d, calls } = fakeDriver(objects);
  const site = nextScope();
  await Promise.all(objects.map((o) => bulkGet(site, "userGroup", d, o.id)));
  const before = calls.get;
  await expect(bulkGet(site, "userGroup", d, "gone")).rejects.toBeInstanceOf(PbxNotFoundError);
  expect(calls.get).toBe(before + 1);
});

test("a list that fails is not cached and never reads as deleted", async () => {
  const objects = [1, 2, 3, 4, 5].map((i) => ({ id: `g${i}`, name: `G${i}` }));
  const { d, calls } = fakeDriver(objects, { failList: true });
  const site = nextScope();
  const got = await Promise.all(objects.map((o) => bulkGet(site, "userGroup", d, o.id)));
  expect(got).toHaveLength(5);
  expect(calls.get).toBe(5);
  // The next read tries a list again rather than trusting a failed one.
  await bulkGet(site, "userGroup", d, "g1");
  expect(calls.list).toBeGreaterThanOrEqual(2);
});

test("a write invalidates what it touched", async () => {
  const objects = [1, 2, 3, 4].map((i) => ({ id: `g${i}`, name: `G${i}` }));
  const { d, calls } = fakeDriver(objects);
  const site = nextScope();
  await Promise.all(objects.map((o) => bulkGet(site, "userGroup", d, o.id)));
  objects[0].name = "Renamed";
  invalidate(site, "userGroup", "g1");
  const before = calls.get;
  expect(((await bulkGet(site, "userGroup", d, "g1")) as unknown as Obj).name).toBe("Renamed");
  expect(calls.get).toBe(before + 1);
  expect(bulkStats.lists).toBeGreaterThan(0);
});
