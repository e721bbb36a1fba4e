/**
 * The entry of the profiler's own bundle (dist/profiler.js): the extension loads it
 * the first time a profile is asked for, so activation never pays for it.
 * Not a barrel for source code: import the modules themselves elsewhere.
 */
export { captureCpuProfile, captureHeapDiff } from './capture';
export { profileFileName, topOwnAllocationSite, topOwnFunction, writeProfileFile } from './profileOutput';
export { capturePySpy, isPythonProcess, pySpyMissing } from './pySpy';
export { profileEvidenceOf } from './profileEvidence';
