// ES module entry point: the same objects as the CommonJS entry (one addon instance).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const hayscan = require('./index.js')

export const { Matcher, MatchStream, HayscanError, AbortError, ErrorCode, liveObjects, version } = hayscan
export default hayscan
