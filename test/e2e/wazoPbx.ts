/**
 * The Wazo-shaped emulator behind the conformance suite's DriverPbx.
 */
import type { FaultOptions } from "../../emulator";
import type { DriverPbx } from "./pbx";

export async function startWazoPbx(_options: { faults?: FaultOptions } = {}): Promise<DriverPbx> {
  throw new Error("the Wazo-shaped emulator is not wired into the e2e harness yet");
}
