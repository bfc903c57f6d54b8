import { ringsAhead, type RingSeen } from "../../lib/domain/recorderCap";

const OWN = "alertring-web-2";
const T = "2026-01-01T02:00:00.000Z";
const before = "2026-01-01T01:59:59.000Z";
const after = "2026-01-01T02:00:01.000Z";
const ring = (name: string, state: RingSeen["state"], startedAt?: string): RingSeen => ({
  name,
  state,
  startedAt,
});

describe("ringsAhead (the exact regional cap's ranking)", () => {
  test("counts rings that started earlier, never our own (in any case) nor ended ones", () => {
    const rings = [
      ring("ALERTRING-WEB-2", "running", T),
      ring("a", "running", before),
      ring("b", "ended", before),
      ring("c", "running", after),
    ];
    expect(ringsAhead(OWN, T, rings)).toBe(1);
  });

  test("conservative where unsure: the same instant, no start time yet, unreadable, unparsable", () => {
    const rings = [
      ring("same", "running", T),
      ring("starting", "running"),
      ring("unknown", "unreadable"),
      ring("garbled", "running", "soon"),
    ];
    expect(ringsAhead(OWN, T, rings)).toBe(4);
  });
});
