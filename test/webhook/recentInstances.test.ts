/** The storm fast path's memory: what one decision saw, shared with the alerts that waited for it. */
import { RecentInstances, type Sighting } from "../../lib/webhook/recentInstances";

const running = (seenAt: number): Sighting => ({ runtimeStatus: "Running", seenAt });

/** A decision the test finishes by hand. */
function pending<T>() {
  let finish!: (value: { answer: T; sighting?: Sighting }) => void;
  const decided = new Promise<{ answer: T; sighting?: Sighting }>((r) => (finish = r));
  return { decide: () => decided, finish };
}

describe("recent instances", () => {
  test("an alert waiting on the decision in flight gets what it saw", async () => {
    const recent = new RecentInstances(10);
    const leader = pending<string>();
    const answer = recent.lead("a", "ask", leader.decide);
    const follower = recent.following("a");
    expect(follower?.ask).toBe("ask");
    leader.finish({ answer: "202", sighting: running(1000) });
    expect(await answer).toBe("202");
    await expect(follower?.sighting).resolves.toEqual(running(1000));
    expect(recent.following("a")).toBeUndefined();
    expect(recent.recent("a", 1500, 1000)).toEqual(running(1000));
    expect(recent.recent("a", 2000, 1000)).toBeUndefined();
  });

  test("an earlier decision ending does not drop a later one still in flight", async () => {
    const recent = new RecentInstances(10);
    const first = pending<string>();
    const second = pending<string>();
    const firstAnswer = recent.lead("a", "first", first.decide);
    const secondAnswer = recent.lead("a", "second", second.decide);
    first.finish({ answer: "first" });
    await firstAnswer;
    expect(recent.following("a")?.ask).toBe("second");
    second.finish({ answer: "second" });
    await secondAnswer;
    expect(recent.following("a")).toBeUndefined();
  });

  test("holds exactly maxEntries sightings, dropping the oldest", async () => {
    const recent = new RecentInstances(2);
    for (const [id, at] of [
      ["a", 1],
      ["b", 2],
    ] as const)
      await recent.lead(id, id, () => Promise.resolve({ answer: id, sighting: running(at) }));
    expect(recent.recent("a", 3, 100)).toEqual(running(1));
    expect(recent.recent("b", 3, 100)).toEqual(running(2));
    await recent.lead("c", "c", () => Promise.resolve({ answer: "c", sighting: running(3) }));
    expect(recent.recent("a", 4, 100)).toBeUndefined();
    expect(recent.recent("b", 4, 100)).toEqual(running(2));
    expect(recent.recent("c", 4, 100)).toEqual(running(3));
  });

  test("a decision that saw nothing running forgets the earlier sighting", async () => {
    const recent = new RecentInstances(2);
    await recent.lead("a", "a", () => Promise.resolve({ answer: 1, sighting: running(1) }));
    await recent.lead("a", "a", () => Promise.resolve({ answer: 2 }));
    expect(recent.recent("a", 2, 100)).toBeUndefined();
  });
  test("a leader whose decision throws leaves its followers seeing nothing, not the error", async () => {
    const recent = new RecentInstances(10);
    const leader = recent.lead("a", "ask", () => Promise.reject(new Error("engine down")));
    const follower = recent.following("a");
    await expect(leader).rejects.toThrow("engine down");
    await expect(follower?.sighting).resolves.toBeUndefined();
    expect(recent.following("a")).toBeUndefined();
  });
});
