// `ParallelTaskGroup.node` alone resolves to the codex file ParallelTaskGroup.node.json under tsx;
// the `.js` suffix makes tsx (and TypeScript) pick the .ts source.
export { ParallelTaskGroup } from '../../nodes/ParallelTaskGroup/ParallelTaskGroup.node.js';
