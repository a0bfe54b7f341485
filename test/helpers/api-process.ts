import { buildApp } from '../../api/app.js';
import { apiConnectionLimits, openOrm } from '../../db/orm.js';
import { loadConfig } from '../../lib/config.js';
import { createTemporalClient } from '../../lib/temporal/client.js';

// The API in a process of its own, logging to its real stdout as in production, so a test reads the log an operator
// would see. Sends `{ port }` over IPC once listening; closes when the parent disconnects, and crashes (an uncaught
// exception) when told `crash`.
const config = loadConfig();
const orm = await openOrm(config.database, apiConnectionLimits(config.database));
const temporal = createTemporalClient(config.temporal);
const app = await buildApp({ config, orm, temporal }, { relay: false });
await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.once('disconnect', () => {
  void app.close().then(() => temporal.connection.close()).then(() => orm.close());
});
process.on('message', (message) => {
  if (message === 'crash') {
    setImmediate(() => {
      throw new Error('crash requested by the test');
    });
  }
});
