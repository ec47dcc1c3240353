/**
 * The export's credentials: from the environment (`PBX_TOKEN`, or `PBX_PASSWORD`
 * with `--username` for Wazo), else asked on the terminal without echo. Never a
 * flag (it would be in the shell history and `ps`), never printed.
 */

export interface Secrets {
  token?: string;
  password?: string;
}

export interface PromptInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Reads a line from a terminal without echoing it; Ctrl-C aborts. */
export function promptHidden(question: string, input: PromptInput, output: { write(text: string): unknown }): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(question);
    let value = "";
    input.setRawMode?.(true);
    input.resume();
    const finish = (err?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on("data", onData);
  });
}

/**
 * The credentials for `driver`: `PBX_TOKEN`; for Wazo with a username,
 * `PBX_PASSWORD`; else a prompt when stdin is a terminal. Throws a message
 * naming the variable to set otherwise.
 */
export async function credentialsFor(
  driver: string,
  username: string | undefined,
  env: NodeJS.ProcessEnv,
  input: PromptInput,
  output: { write(text: string): unknown },
): Promise<Secrets> {
  if (driver === "wazo" && username) {
    if (env.PBX_PASSWORD) return { password: env.PBX_PASSWORD };
    if (input.isTTY) return { password: await promptHidden(`wazo-auth password of ${username}: `, input, output) };
    throw new Error(`no password for ${username}: set PBX_PASSWORD (or run on a terminal to be asked)`);
  }
  if (env.PBX_TOKEN) return { token: env.PBX_TOKEN };
  if (input.isTTY) return { token: await promptHidden("PBX token: ", input, output) };
  const wazo = driver === "wazo" ? " (or --username with PBX_PASSWORD)" : "";
  throw new Error(`no PBX token: set PBX_TOKEN${wazo}, or run on a terminal to be asked`);
}
