/**
 * The benchmark's emulator, in a process of its own so that its CPU and memory
 * never count as the provider's (and the bench process stays idle while it
 * samples). Run by bench/pbx.ts as `node dist/bench/pbxHost.js '<options JSON>'`
 * (`flavor`: `apiv1`, the default, or `wazo`; the rest goes to the emulator);
 * prints one JSON line `{ url, adminToken }` when listening and exits when its
 * stdin closes (so it never outlives the bench, even if the bench is killed).
 */
import { startEmulator } from "../emulator";
import { startWazoEmulator } from "../emulator/wazo";

async function main(): Promise<void> {
  const { flavor = "apiv1", ...options } = JSON.parse(process.argv[2] ?? "{}");
  const emu =
    flavor === "wazo"
      ? await startWazoEmulator({ dataFile: ":memory:", ...options })
      : await startEmulator({ dataFile: ":memory:", ...options });
  process.stdout.write(JSON.stringify({ url: emu.url, adminToken: emu.adminToken }) + "\n");
  const stop = () => void emu.close().finally(() => process.exit(0));
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  process.stderr.write(`pbxHost: ${err?.stack ?? err}\n`);
  process.exit(1);
});
