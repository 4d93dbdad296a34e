// The seccomp filter bwrap installs before the command runs: a deny list of kernel interfaces a coding agent never needs and escapes often start from.

/** Syscall numbers per architecture (x86_64 / aarch64); the io_uring ones share the unified numbering. */
const DENIED: Record<string, { x64: number; arm64: number }> = {
  io_uring_setup: { x64: 425, arm64: 425 },
  io_uring_enter: { x64: 426, arm64: 426 },
  io_uring_register: { x64: 427, arm64: 427 },
  bpf: { x64: 321, arm64: 280 },
  perf_event_open: { x64: 298, arm64: 241 },
  userfaultfd: { x64: 323, arm64: 282 },
  keyctl: { x64: 250, arm64: 219 },
  add_key: { x64: 248, arm64: 217 },
  request_key: { x64: 249, arm64: 218 },
  kexec_load: { x64: 246, arm64: 104 },
  kexec_file_load: { x64: 320, arm64: 294 },
  init_module: { x64: 175, arm64: 105 },
  finit_module: { x64: 313, arm64: 273 },
  delete_module: { x64: 176, arm64: 106 },
  // The classic container escape: a file handle opens any inode of the file system, mounted or not.
  open_by_handle_at: { x64: 304, arm64: 265 },
  name_to_handle_at: { x64: 303, arm64: 264 },
  // No nested namespaces: inside, unprivileged user namespaces are the door to most kernel bugs.
  unshare: { x64: 272, arm64: 97 },
  setns: { x64: 308, arm64: 268 },
};

const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;
/** x32 system calls on x86_64 carry this bit; they would dodge the numbers above. */
const X32_SYSCALL_BIT = 0x40000000;

// Classic BPF opcodes and seccomp return values.
const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050001;
/** Offsets in struct seccomp_data. */
const NR = 0;
const ARCH = 4;

export interface SeccompFilter {
  program: Buffer;
  denied: string[];
}

/**
 * The filter for this architecture, or undefined where it is not written (then the run record says so).
 * Another ABI than the native one (i386 through int 0x80, x32) is refused whole: its syscall numbers differ.
 */
export function seccompFilter(arch: string = process.arch): SeccompFilter | undefined {
  if (arch !== 'x64' && arch !== 'arm64') return undefined;
  const names = Object.keys(DENIED);
  const numbers = names.map((name) => DENIED[name]![arch]);
  const code: [number, number, number, number][] = [];
  const n = numbers.length;
  // 0: load arch; 1: native? skip the refusal; 2: refuse; 3: load nr; 4: x32 bit? refuse.
  code.push([BPF_LD_W_ABS, 0, 0, ARCH]);
  code.push([BPF_JEQ_K, 1, 0, AUDIT_ARCH[arch]]);
  code.push([BPF_RET_K, 0, 0, RET_EPERM]);
  code.push([BPF_LD_W_ABS, 0, 0, NR]);
  // Jumps are relative to the next instruction: the EPERM return sits after the n comparisons and the allow.
  code.push([BPF_JGE_K, n + 1, 0, arch === 'x64' ? X32_SYSCALL_BIT : 0xffffffff]);
  numbers.forEach((nr, i) => code.push([BPF_JEQ_K, n - i, 0, nr]));
  code.push([BPF_RET_K, 0, 0, RET_ALLOW]);
  code.push([BPF_RET_K, 0, 0, RET_EPERM]);
  const program = Buffer.alloc(code.length * 8);
  code.forEach(([op, jt, jf, k], i) => {
    program.writeUInt16LE(op, i * 8);
    program.writeUInt8(jt, i * 8 + 2);
    program.writeUInt8(jf, i * 8 + 3);
    program.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return { program, denied: names };
}
