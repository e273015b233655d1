import { describe, expect, it } from "vitest";
import { HttpError } from "../../src/http/errors.js";
import { Offload } from "../../src/http/offload.js";

// The offload pool's bounds: a queue that answers 429 with Retry-After when full, and a heap limit per
// thread that ends the thread, not the server, and answers 413.

function staffCsv(rows: number): Uint8Array {
  const lines = Array.from({ length: rows }, (_, i) => `S${i},服务人员${i},${i % 2 ? "是" : "否"}`);
  return Buffer.from(["编号,姓名,是否医护人员", ...lines].join("\r\n"));
}

describe("the offload pool", () => {
  it("refuses work past its queue with 429 BUSY, a Chinese message and Retry-After", async () => {
    const offload = new Offload({ threads: 1, queueLimit: 1 });
    try {
      const file = staffCsv(20_000);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, () => offload.importRoster({ file, format: "csv", sheet: "staff" })),
      );
      const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
      expect(refused.length).toBeGreaterThan(0);
      for (const error of refused) {
        expect(error).toBeInstanceOf(HttpError);
        expect(error).toMatchObject({
          statusCode: 429,
          code: "BUSY",
          message: "服务器正在处理其他请求，请稍后再试",
          extra: { retryAfterSeconds: 5 },
        });
      }
      const done = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      expect(done.length).toBeGreaterThan(0);
      for (const result of done) expect(result.ok && result.staff.length).toBe(20_000);
    } finally {
      await offload.close();
    }
  });

  it("ends a thread that outgrows its heap limit and answers 413; the next request is served", async () => {
    const offload = new Offload({ threads: 1, heapLimitMb: 48 });
    try {
      await expect(
        offload.importRoster({ file: staffCsv(400_000), format: "csv", sheet: "staff" }),
      ).rejects.toMatchObject({ statusCode: 413, code: "TOO_LARGE_TO_PROCESS" });
      const small = await offload.importRoster({ file: staffCsv(10), format: "csv", sheet: "staff" });
      expect(small.ok).toBe(true);
    } finally {
      await offload.close();
    }
  });
});
