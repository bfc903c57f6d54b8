import { nextPollAt, plannedPolls, SETTLE_SECONDS } from "../../lib/domain/pollSchedule";

describe("poll schedule", () => {
  test.each([60, 300, 3600, 18000])(
    "a %i s capture sees an immediate failure within 30 s",
    (limit) => {
      expect(plannedPolls(limit)[0]).toBeLessThanOrEqual(30);
    },
  );

  test("at most 30 status calls for an 18,000 s capture", () => {
    expect(plannedPolls(18000).length).toBeLessThanOrEqual(30);
  });

  test("the plan ends with a poll just after the time limit", () => {
    for (const limit of [1, 45, 300, 3600, 18000]) {
      expect(plannedPolls(limit).at(-1)).toBe(limit + SETTLE_SECONDS);
    }
  });

  test("an early stop at any second is noticed within about twice the elapsed time", () => {
    for (const limit of [300, 3600, 18000]) {
      const polls = plannedPolls(limit);
      for (let stoppedAt = 1; stoppedAt < limit; stoppedAt += 7) {
        const seenAt = polls.find((p) => p >= stoppedAt)!;
        expect(seenAt).toBeLessThanOrEqual(Math.max(30, 2 * stoppedAt));
      }
    }
  });

  test("polls strictly advance, and past the deadline keep coming at a short fixed interval", () => {
    for (const limit of [10, 300, 18000]) {
      const polls = plannedPolls(limit);
      polls.slice(1).forEach((p, i) => expect(p).toBeGreaterThan(polls[i]!));
    }
    expect(nextPollAt(400, 300)).toBe(415);
  });
});
