/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmarks run in Node, not in n8n */
// Imported first: n8n-core's logger reads the level when it loads.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
