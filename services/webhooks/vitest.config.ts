import { sharedConfig } from '@sp/testing/vitest';

export default sharedConfig();
