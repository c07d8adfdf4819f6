import { appBuild } from '../../tsup.base.js';

// The git launcher is a process of its own (dist/launcher.js), forked by the server.
export default appBuild({ main: 'src/main.ts', launcher: 'src/git/launcher.ts' });
