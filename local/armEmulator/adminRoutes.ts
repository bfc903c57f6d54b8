// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Test controls beside the ARM surface (same bearer token, no api-version):
 *   POST   /_emulator/faults    arm a fault (JSON FaultSpec) → 201 {id}
 *   GET    /_emulator/faults    faults still armed
 *   DELETE /_emulator/faults    disarm all
 *   GET    /_emulator/captures  sessions still running (tests assert none are left)
 */
import type { CaptureService } from "./capture/captureService";
import type { FaultController, FaultSpec } from "./faults";
import { route, type Route } from "./router";

export function adminRoutes(faults: FaultController, captures: CaptureService): Route[] {
  return [
    // Untrusted JSON: FaultController.add validates it with the same schema the type comes from.
    route("POST", "/_emulator/faults", "Emulator_AddFault", (ctx) => ({
      status: 201,
      body: { id: faults.add(ctx.body as FaultSpec) },
    })),
    route("GET", "/_emulator/faults", "Emulator_ListFaults", () => ({
      status: 200,
      body: { value: faults.pending() },
    })),
    route("DELETE", "/_emulator/faults", "Emulator_ClearFaults", () => {
      faults.clear();
      return { status: 204 };
    }),
    route("GET", "/_emulator/captures", "Emulator_ListCaptures", () => ({
      status: 200,
      body: { value: captures.activeSessions() },
    })),
  ];
}
