/**
 * The two libraries the process layer needs where there is no /proc (macOS, Windows):
 * `systeminformation` for the locator and `pidusage` for the sampler. They are ~330 KB
 * minified, more than half of the extension bundle, and Linux never calls them, so this
 * module is the entry of its own bundle (dist/portable.js) and is required on first use.
 */
import pidusage from 'pidusage';
import * as si from 'systeminformation';

export { pidusage, si };
