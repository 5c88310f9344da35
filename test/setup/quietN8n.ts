/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test setup runs in Node, not in n8n */
// n8n-core's logger writes every node error to the console; the tests assert on them instead.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
