import { packageBuild } from '../../tsup.base.js';

// One entry per subpath export: the core never loads a sink, and a sink never
// loads pg or ioredis (they are passed in by the user).
export default packageBuild(['src/index.ts', 'src/postgres.ts', 'src/redis.ts', 'src/sql.ts']);
