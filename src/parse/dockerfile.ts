// Dockerfiles as a list of instructions with their offsets; continuation lines are joined.

export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, USER, ENV, ARG, COPY … */
  keyword: string;
  /** Argument text with continuations joined by a space. */
  args: string;
  /** Offset of the keyword and of the end of the instruction in the file. */
  start: number;
  end: number;
  /** Offset in the file of the first argument character. */
  argsStart: number;
}

export interface DockerStage {
  from: DockerInstruction;
  instructions: DockerInstruction[];
}

export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let current: { keyword: string; args: string[]; start: number; argsStart: number; end: number } | undefined;
  for (const rawLine of lines) {
    const lineStart = offset;
    offset += rawLine.length + 1;
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (current) {
      // BuildKit skips blank and comment lines inside a continuation; they do not end the instruction.
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const continued = trimmed.endsWith('\\');
      current.args.push(continued ? trimmed.slice(0, -1) : trimmed);
      current.end = lineStart + line.length;
      if (!continued) {
        instructions.push(finish(current));
        current = undefined;
      }
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(line);
    if (!match) continue;
    const keyword = (match[2] ?? '').toUpperCase();
    const argsStart = lineStart + match[0].length;
    const rest = line.slice(match[0].length);
    const continued = rest.trimEnd().endsWith('\\');
    current = {
      keyword,
      args: [continued ? rest.trimEnd().slice(0, -1) : rest],
      start: lineStart + (match[1] ?? '').length,
      argsStart,
      end: lineStart + line.length,
    };
    if (!continued) {
      instructions.push(finish(current));
      current = undefined;
    }
  }
  if (current) instructions.push(finish(current));
  return instructions;
}

function finish(current: { keyword: string; args: string[]; start: number; argsStart: number; end: number }): DockerInstruction {
  return {
    keyword: current.keyword,
    args: current.args.map((part) => part.trim()).filter(Boolean).join(' '),
    start: current.start,
    end: current.end,
    argsStart: current.argsStart,
  };
}

/** Groups instructions into build stages, one per FROM. */
export function dockerStages(instructions: DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push({ from: instruction, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}
