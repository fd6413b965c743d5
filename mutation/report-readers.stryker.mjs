import { strykerConfig } from './stryker.mjs';

export default strykerConfig('report-readers');
