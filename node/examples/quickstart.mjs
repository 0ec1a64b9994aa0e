// The ES module quick start of docs/node.md, runnable: node node/examples/quickstart.mjs
import { Matcher } from 'hayscan'

const fruit = new Matcher(['apple', 'banana', '🍌'])
console.log(fruit.findAll('an apple and a 🍌 banana'))
// [ { pattern: 0, start: 3, end: 8, text: 'apple' },
//   { pattern: 2, start: 15, end: 17, text: '🍌' },
//   { pattern: 1, start: 18, end: 24, text: 'banana' } ]

const secrets = Matcher.regex(['AKIA[0-9A-Z]{16}', '(?i)password\\s*=\\s*\\S+'])
console.log(secrets.replaceAll('key=AKIAABCDEFGHIJKLMNOP password=hunter2', ['<aws-key>', '<password>']))
// key=<aws-key> <password>
