import { nextPollAt, plannedPolls, SETTLE_SECONDS } from "../../lib/domain/pollSchedule";

describe("poll schedule", () => {
  // Worked out by hand from the rules in pollSchedule.ts's header (10/20/30 s, then a delay of at
  // most the elapsed time capped at max(60, limit/20) s, and one poll at limit + 10 s), so the
  // code is checked against the rules, not against itself.
  test.each([
    [60, [10, 20, 30, 60, 70]],
    [
      3600,
      [
        10, 20, 30, 60, 120, 240, 420, 600, 780, 960, 1140, 1320, 1500, 1680, 1860, 2040, 2220,
        2400, 2580, 2760, 2940, 3120, 3300, 3480, 3610,
      ],
    ],
    [
      18000,
      [
        10, 20, 30, 60, 120, 240, 480, 960, 1860, 2760, 3660, 4560, 5460, 6360, 7260, 8160, 9060,
        9960, 10860, 11760, 12660, 13560, 14460, 15360, 16260, 17160, 18010,
      ],
    ],
  ])("a %i s capture is polled at exactly the hand-computed seconds", (limit, expected) => {
    expect(plannedPolls(limit)).toEqual(expected);
  });

  test("a poll long past the deadline comes 15 s later; a negative elapsed time counts as 0", () => {
    expect(nextPollAt(400, 300)).toBe(415);
    expect(nextPollAt(310, 300)).toBe(325);
    expect(nextPollAt(-5, 300)).toBe(10);
    expect(nextPollAt(9, 300)).toBe(10);
    expect(nextPollAt(10, 300)).toBe(20);
  });

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
