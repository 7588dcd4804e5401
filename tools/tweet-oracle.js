#!/usr/bin/env node
// What X's own counting library says about tweets, for crates/api's differential tests
// (crates/api/tests/twitter_text_oracle.rs): reads one JSON string a line on stdin and
// writes, a line each, {"weightedLength":N,"valid":B} from twitter-text's parseTweet with
// its default (v3) configuration, or {"error":"..."} where parseTweet throws.
'use strict';

const { parseTweet } = require('twitter-text');
const extractUrl = require('twitter-text/dist/regexp/extractUrl');

function answer(line) {
  try {
    const { weightedLength, valid } = parseTweet(JSON.parse(line));
    return JSON.stringify({ weightedLength, valid });
  } catch (e) {
    // A throw (punycode overflow on a label of thousands of characters) leaves the shared
    // global regex mid-scan, which would skip links in the next text.
    extractUrl.lastIndex = 0;
    return JSON.stringify({ error: String(e) });
  }
}

// Streams, so the caller can write a large batch while answers flow back.
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop();
  const out = lines.filter((line) => line !== '').map(answer);
  if (out.length) process.stdout.write(out.join('\n') + '\n');
});
process.stdin.on('end', () => {
  if (pending !== '') process.stdout.write(answer(pending) + '\n');
});
