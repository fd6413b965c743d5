import { sharedConfig } from './src/vitest-shared.js';

export default sharedConfig();
