// The ES module quick start of docs/node.md, runnable: node node/examples/quickstart.mjs
import { Matcher } from 'hayscan'

const m = new Matcher(['apple', 'banana', '🍌'])
console.log(m.findAll('an apple and a 🍌 banana'))
// [ { pattern: 0, start: 3, end: 8, text: 'apple' },
//   { pattern: 2, start: 15, end: 17, text: '🍌' },
//   { pattern: 1, start: 18, end: 24, text: 'banana' } ]
m.close()
