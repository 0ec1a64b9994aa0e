//! Helpers shared by the integration tests that drive streams (each test file is its own
//! crate: `mod common;` includes this file).

use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan::{Match, Matcher, Stream};

/// Feeds `chunks` to a new stream over `matcher`, finishes it, and returns every match.
pub fn run_stream(matcher: &Arc<Matcher>, chunks: &[&[u8]]) -> Vec<Match> {
    let mut stream = Stream::new(Arc::clone(matcher));
    let mut got = Vec::new();
    let mut push = |m| {
        got.push(m);
        ControlFlow::Continue(())
    };
    for chunk in chunks {
        stream.feed(chunk, &mut push).unwrap();
    }
    stream.finish(&mut push).unwrap();
    got
}

/// Splits `hay` at the given cut points (taken modulo the length + 1, sorted; equal cuts
/// give empty chunks, on purpose).
pub fn split<'a>(hay: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (hay.len() + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for p in points {
        out.push(&hay[at..p]);
        at = p;
    }
    out.push(&hay[at..]);
    out
}
