// Audits a GraphQL over HTTP server with graphql-http's own test suite and
// fails when any MUST item fails. Usage: node audit.mjs http://host:port/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const must = results.filter((r) => r.name.startsWith('MUST'));
const failed = must.filter((r) => r.status !== 'ok');
for (const r of results.filter((r) => r.status !== 'ok')) {
  console.log(`${r.status} ${r.id} ${r.name}: ${r.reason ?? ''}`);
}
console.log(`graphql-http MUST items of the audit follow.`);
console.log(`audit: ${must.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
