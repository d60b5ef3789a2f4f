/**
 * `bench/RESULTS.md`: a header describing the machine (written when the file is created),
 * then one section per suite between `<!-- NAME:start -->` and `<!-- NAME:end -->`. A
 * suite rewrites only its own section, so suites can run independently. Nothing here is
 * HTTP-specific; other suites may import it.
 *
 * @module
 */

/** What the results were measured on. */
export interface MachineInfo {
  /** `nproc`. */
  cores: string;
  /** `uname -a`. */
  uname: string;
  /** CPU model from /proc/cpuinfo. */
  cpu: string;
  /** `deno --version`, first line. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** ISO date and time (UTC). */
  date: string;
}

async function run(cmd: string, args: string[] = []): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "unknown";
  }
}

/** Collects machine details. */
export async function machineInfo(): Promise<MachineInfo> {
  let cpu = "unknown";
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /^model name\s*:\s*(.+)$/m.exec(text)?.[1].trim() ?? "unknown";
  } catch { /* not Linux */ }
  return {
    cores: await run("nproc"),
    uname: await run("uname", ["-a"]),
    cpu,
    deno: `deno ${Deno.version.deno}`,
    v8: Deno.version.v8,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

function header(m: MachineInfo): string {
  return [
    "# @aio/pyramid benchmark results",
    "",
    "Produced by `deno task bench [suite|all]` (see `bench/run.ts`). Each suite rewrites only its",
    "own section below; this header describes the machine the file was first written on.",
    "",
    `- Machine: ${m.cores} cores (\`nproc\`), ${m.cpu}`,
    `- Kernel: \`${m.uname}\``,
    `- Deno: ${m.deno} (V8 ${m.v8})`,
    `- Created: ${m.date}`,
    "",
  ].join("\n");
}

/** Writes (or replaces) the section `key` of the results file, creating the file if needed. */
export async function writeSection(
  file: string | URL,
  key: string,
  body: string,
  machine: MachineInfo,
): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = header(machine);
  }
  const start = `<!-- ${key}:start -->`;
  const end = `<!-- ${key}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    text = text.slice(0, from) + section + text.slice(to + end.length);
  } else {
    text = text.trimEnd() + "\n\n" + section + "\n";
  }
  await Deno.writeTextFile(file, text);
}
