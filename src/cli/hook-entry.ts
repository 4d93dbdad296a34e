// The entry of dist/hook.cjs: everything `cordon hook` runs, bundled apart from the rest of the CLI so a hook loads nothing else.

export { hookCommand } from './hook-command.js';
export { serveHooks } from '../hook/server.js';
