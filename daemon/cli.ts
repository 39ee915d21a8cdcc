#!/usr/bin/env node
/**
 * `konnekt <command>`: one entry point for the daemon, the emulator, the demo and the control CLI.
 * Each command lives in its own module and is loaded only when asked for, so `konnekt emulator`
 * does not load FUSE and `konnekt status` does not load MSAL.
 */
interface CommandModule {
  main(argv: string[]): Promise<number>;
}

interface Command {
  summary: string;
  load: () => Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  demo: { summary: "run the emulator, a daemon and the mount together (no tenant needed)", load: () => import("./commands/demo.js") },
  emulator: { summary: "run the SharePoint Online + Entra ID emulator", load: () => import("../emulator/cli.js") },
  daemon: { summary: "run the per-user daemon (--foreground, --json)", load: () => import("./run.js") },
  rpc: { summary: "call the daemon: konnekt rpc <method> [json-params]", load: () => import("./commands/rpc.js") },
  status: { summary: "show what the daemon is doing", load: () => import("./commands/status.js") },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: konnekt <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`konnekt: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.main(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A user never sees a stack trace: the message, and the log has the rest.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`konnekt: ${message}\n`);
    if (process.env.KONNEKT_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
    process.exitCode = 1;
  },
);
