import { sharedConfig } from './src/vitest-shared.ts';

export default sharedConfig();
