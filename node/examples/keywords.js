'use strict'
// A tour of the hayscan npm package on real data: a dictionary word list and a real text.
//
//   node node/examples/keywords.js [WORDS_FILE] [TEXT_FILE]
//
// Defaults: /usr/share/dict/words (Debian package wamerican) and the GNU GPL v3 text that
// every Debian system ships in /usr/share/common-licenses/GPL-3.

const fs = require('node:fs')
const path = require('node:path')
const { Matcher, HayscanError } = require('..')

const wordsFile = process.argv[2] || '/usr/share/dict/words'
const textFile = process.argv[3] || '/usr/share/common-licenses/GPL-3'
const text = fs.readFileSync(textFile, 'utf8')

// 1. A big literal set: every dictionary word of 9 letters or more.
let words
if (fs.existsSync(wordsFile)) {
  words = [...new Set(fs.readFileSync(wordsFile, 'utf8').split('\n').filter((w) => /^[a-z]{9,}$/.test(w)))]
} else {
  console.log(`(${wordsFile} not found: install the Debian package wamerican; using a small list)`)
  words = ['copyright', 'distribute', 'modification', 'conveying', 'warranty', 'software', 'permission']
}
console.log(`== ${words.length} dictionary words (9+ letters) over ${path.basename(textFile)} (${Buffer.byteLength(text)} bytes)`)
const dictionary = new Matcher(words, { matchKind: 'leftmost-longest', caseInsensitive: true })
console.log(`matcher: ${dictionary.patternCount} patterns, ${(dictionary.memoryUsage / 1024).toFixed(0)} KiB`)
console.log(`count: ${dictionary.count(text)} matches`)

// The callback sees each match; returning false stops the scan.
dictionary.scan(text, (m) => {
  console.log(`  first matches: ${m.text.padEnd(16)} pattern #${String(m.pattern).padEnd(6)} UTF-16 ${m.start}..${m.end}`)
  return m.start < 400
})

const tally = new Map()
for (const m of dictionary.findAll(text)) {
  const w = m.text.toLowerCase()
  tally.set(w, (tally.get(w) || 0) + 1)
}
const top = [...tally].sort((a, b) => b[1] - a[1]).slice(0, 5)
console.log(`most frequent: ${top.map(([w, n]) => `${w} x${n}`).join(', ')}`)

// 2. Strings use UTF-16 offsets (text.slice works, emoji included); Buffers use bytes.
console.log('\n== strings vs Buffers')
const emoji = new Matcher(['café', '😀', 'naïve'])
const sample = 'A naïve 😀 walks into a café'
for (const m of emoji.matches(sample)) {
  console.log(`  string: ${JSON.stringify(m)}  sample.slice -> ${sample.slice(m.start, m.end)}`)
}
const bytes = Buffer.from(sample)
for (const m of emoji.findAll(bytes)) {
  console.log(`  Buffer: ${JSON.stringify(m)}  subarray -> ${bytes.subarray(m.start, m.end).toString()}`)
}

// 3. Replacement: from a list (one per pattern) and with a callback.
const licenceWords = ['copyright', 'license', 'warranty', 'software']
const redactor = new Matcher(licenceWords, { caseInsensitive: true })
const line = text.split('\n').find((l) => redactor.isMatch(l)).trim()
console.log('\n== replace')
console.log(`  original:     ${line}`)
console.log(`  replaceAll:   ${redactor.replaceAll(line, licenceWords.map((w) => `[${w.toUpperCase()}]`))}`)
const seen = []
const starred = redactor.replaceWith(line, (m) => { seen.push(m.text); return '*'.repeat(m.text.length) })
console.log(`  replaceWith:  ${starred}   (callback saw ${JSON.stringify(seen)})`)

// 4. Regexes, many at once: secrets in a log.
console.log('\n== regex set')
const secrets = Matcher.regex([
  '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}',
  'AKIA[0-9A-Z]{16}',
  '(?i)password\\s*=\\s*\\S+',
])
const log = 'user=ann@example.org key=AKIAABCDEFGHIJKLMNOP PASSWORD = hunter2 ok'
for (const m of secrets.findAll(log)) console.log(`  pattern ${m.pattern}: ${m.text}`)
console.log(`  redacted: ${secrets.replaceAll(log, ['<email>', '<aws-key>', '<password>'])}`)
// Rules written for RE2/PCRE: ASCII \w \d \s \b (asciiClasses), and capture groups of the
// matches asked about, here to keep the key and hide only the secret.
const rules = Matcher.regex(['(?i)\\b(?P<key>password|key)\\s*=\\s*(?P<secret>\\S+)'], { asciiClasses: true })
const keysKept = rules.replaceWith(log, (m) => {
  const { named } = rules.captures(log, m)
  return `${named.key.text}=<${named.secret.text.length} characters>`
})
console.log(`  groups ${JSON.stringify(rules.groupNames(0))}: ${keysKept}`)

// 5. Errors carry a code and, for a bad pattern, its index.
try {
  Matcher.regex(['fine', '(unclosed'])
} catch (e) {
  if (!(e instanceof HayscanError)) throw e
  console.log(`\n== error: ${e.code} at pattern ${e.patternIndex}:\n${e.message}`)
}

// 6. Streams: the file in 4 KiB chunks through a Transform; matches have absolute offsets.
async function streamDemo () {
  const topics = new Matcher(['freedom', 'source code', 'patent'])
  const perWord = new Map()
  let firstPatent = null
  const source = fs.createReadStream(textFile, { highWaterMark: 4096 })
  for await (const m of source.pipe(topics.createTransform())) {
    const w = ['freedom', 'source code', 'patent'][m.pattern]
    perWord.set(w, (perWord.get(w) || 0) + 1)
    if (w === 'patent' && firstPatent === null) firstPatent = m
  }
  console.log(`\n== stream over ${path.basename(textFile)} in 4096-byte chunks`)
  console.log(`  ${[...perWord].map(([w, n]) => `${w}: ${n}`).join(', ')}`)
  console.log(`  first "patent" at byte ${firstPatent.start}: ${JSON.stringify(Buffer.from(text).subarray(firstPatent.start - 20, firstPatent.end + 20).toString())}`)
  for (const m of [dictionary, emoji, redactor, secrets, topics]) m.close()
}

streamDemo().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
