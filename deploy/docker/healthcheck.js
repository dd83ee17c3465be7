// Container HEALTHCHECK: GET /health/live on the service's own port with node's built-in fetch.
'use strict';
const defaults = { gateway: 3000, identity: 3001, membership: 3002, billing: 3003, notification: 3004 };
const port = process.env.HTTP_PORT || defaults[process.env.SERVICE] || 3000;
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
