// The entry the `dsar` shim (./dsar.mjs) imports; the commands live in ./commands (a test importing `…/dsar` would
// resolve the .mjs shim first, so the implementation has its own name).
export { EXIT, main } from './commands';
