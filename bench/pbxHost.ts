/**
 * The benchmark's emulator, in a process of its own so that its CPU and memory
 * never count as the provider's (and the bench process stays idle while it
 * samples). Run by bench/pbx.ts as `node dist/bench/pbxHost.js '<options JSON>'`;
 * prints one JSON line `{ url, adminToken }` when listening and exits when its
 * stdin closes (so it never outlives the bench, even if the bench is killed).
 */
import { startEmulator } from "../emulator";

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}");
  const emu = await startEmulator({ dataFile: ":memory:", ...options });
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
