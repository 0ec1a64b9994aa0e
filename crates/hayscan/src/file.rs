//! Scanning a file by path, without the caller holding it in memory.
//!
//! Why it exists: a PHP worker with a 128 MB memory limit cannot scan a 1 GB log if the
//! log must first become a PHP string. Here the file is read in chunks of [`CHUNK`] bytes
//! through a [`Stream`], so memory stays bounded (the chunk plus what the stream keeps)
//! whatever the file's size, and pipes, FIFOs and character devices work the same as
//! regular files.
//!
//! Matches are the stream's: for literal sets exactly those of one whole-buffer scan of
//! the file's bytes; for regex sets each line is scanned alone (see `stream`). I/O errors
//! (no such file, a directory, a read that fails midway) are `std::io::Error`s; matches
//! delivered before a failing read stay delivered.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::{Error, Matcher, ScanReport, Source};

impl Matcher {
    /// Number of matches in the file at `path` (the stream's matches: see the module
    /// docs). The matcher is shared with the stream, hence the `Arc`.
    pub fn count_file(self: &Arc<Self>, path: impl AsRef<Path>) -> std::io::Result<usize> {
        let mut n = 0;
        self.scan_file(path, |_| {
            n += 1;
            ControlFlow::Continue(())
        })?;
        Ok(n)
    }

    /// Calls `on_match` for each match in the file at `path`, in order, until it returns
    /// `Break` (then the file is not read further).
    pub fn scan_file(
        self: &Arc<Self>,
        path: impl AsRef<Path>,
        on_match: impl FnMut(crate::Match) -> ControlFlow<()>,
    ) -> std::io::Result<ScanReport> {
        let never = AtomicBool::new(false);
        let source = Source::File(path.as_ref().into());
        match self.scan_each(&source, &never, on_match) {
            Ok(outcome) => Ok(ScanReport {
                matches: outcome.matches,
                stopped: outcome.stopped,
            }),
            Err(e) => Err(into_io(e)),
        }
    }
}

/// A file scan's error as the `std::io::Error` the by-path methods return (the system's
/// error where there is one; the caller names the file).
pub(crate) fn into_io(e: Error) -> std::io::Error {
    match e {
        Error::Io {
            kind,
            os_code,
            message,
        } => match os_code {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(kind, message),
        },
        e => std::io::Error::other(e),
    }
}

/// Files smaller than this per thread are counted on one.
pub(crate) const MIN_FILE_SEGMENT: u64 = 1 << 20;

impl Matcher {
    /// `count_file` on up to `threads` threads (0: the available cores, at most 8), with
    /// exactly its answer. A regular file is split into segments, each read and scanned by
    /// its own thread through its own stream:
    ///
    /// - regex sets at line starts: each line is scanned alone (the stream's frames), so a
    ///   segment of whole lines has exactly those lines' matches;
    /// - overlapping literal sets (without empty patterns, whole words or non-ASCII
    ///   folding) with `longest - 1` bytes of overlap: a match belongs to the segment its
    ///   end falls in, as in `count_parallel`.
    ///
    /// Leftmost literal sets (their chains of matches cross segment edges: use
    /// `count_parallel` on bytes in memory), pipes and other special files, and files
    /// under 1 MiB per thread are counted on the calling thread.
    pub fn count_file_parallel(
        self: &Arc<Self>,
        path: impl AsRef<Path>,
        threads: usize,
    ) -> std::io::Result<usize> {
        self.count_file_split(path.as_ref(), threads, MIN_FILE_SEGMENT)
    }

    fn count_file_split(
        self: &Arc<Self>,
        path: &Path,
        threads: usize,
        min_segment: u64,
    ) -> std::io::Result<usize> {
        let splittable = match self.options().syntax {
            crate::Syntax::Regex => true,
            crate::Syntax::Literal => {
                self.options().match_kind == crate::MatchKind::Overlapping
                    && self.plain_automaton().is_some()
            }
        };
        let at_lines = self.options().syntax == crate::Syntax::Regex;
        self.count_file_segments(
            path,
            if splittable { threads } else { 1 },
            min_segment,
            at_lines,
            |path| self.count_file(path),
            |file, start, end| self.count_segment(file, start, end),
        )
    }

    /// A count of the file at `path` on up to `threads` threads: `whole` on the calling
    /// thread for special files and files under `min_segment` bytes per thread, else
    /// the sum of `segment` over segments (starting at line starts if `at_lines`), each on
    /// a thread of its own.
    pub(crate) fn count_file_segments(
        &self,
        path: &Path,
        threads: usize,
        min_segment: u64,
        at_lines: bool,
        whole: impl FnOnce(&Path) -> std::io::Result<usize>,
        segment: impl Fn(&std::fs::File, u64, u64) -> std::io::Result<usize> + Sync,
    ) -> std::io::Result<usize> {
        let meta = std::fs::metadata(path)?;
        let threads = crate::parallel::thread_count(threads);
        let n = (meta.len() / min_segment.max(1)).min(threads as u64).max(1) as usize;
        if !meta.is_file() || n < 2 {
            return whole(path);
        }
        let file = std::fs::File::open(path)?;
        let bounds = self.segments(&file, meta.len(), n, at_lines)?;
        let counts: Vec<std::io::Result<usize>> = std::thread::scope(|scope| {
            let handles: Vec<_> = bounds
                .iter()
                .map(|&(start, end)| {
                    let (file, segment) = (&file, &segment);
                    scope.spawn(move || segment(file, start, end))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        counts.into_iter().sum()
    }

    /// `n` segments of a file of `len` bytes; with `at_lines` each starts at a line start.
    fn segments(
        &self,
        file: &std::fs::File,
        len: u64,
        n: usize,
        at_lines: bool,
    ) -> std::io::Result<Vec<(u64, u64)>> {
        use std::os::unix::fs::FileExt;
        let mut cuts = vec![0u64];
        let mut window = vec![0u8; 64 << 10];
        for k in 1..n as u64 {
            let mut at = (len * k / n as u64).max(*cuts.last().expect("starts with 0"));
            if at_lines {
                // The byte after the first newline at or after `at`.
                at = loop {
                    let got = file.read_at(&mut window, at)?;
                    if got == 0 {
                        break len;
                    }
                    match memchr::memchr(b'\n', &window[..got]) {
                        Some(i) => break at + i as u64 + 1,
                        None => at += got as u64,
                    }
                };
            }
            if at > *cuts.last().expect("starts with 0") && at < len {
                cuts.push(at);
            }
        }
        cuts.push(len);
        Ok(cuts.windows(2).map(|w| (w[0], w[1])).collect())
    }

    /// Matches of segment `[start, end)` (see `count_file_parallel`).
    fn count_segment(
        self: &Arc<Self>,
        file: &std::fs::File,
        start: u64,
        end: u64,
    ) -> std::io::Result<usize> {
        let overlapping = self.options().match_kind == crate::MatchKind::Overlapping
            && self.options().syntax == crate::Syntax::Literal;
        let from = if overlapping {
            start.saturating_sub(self.max_pattern_len().saturating_sub(1) as u64)
        } else {
            start
        };
        let skip = (start - from) as usize;
        let mut stream = crate::Stream::new(Arc::clone(self));
        let mut n = 0usize;
        let mut count = |m: crate::Match| {
            // Overlapping: matches ending in the overlap belong to the previous segment.
            if !overlapping || start == 0 || m.end > skip {
                n += 1;
            }
            ControlFlow::Continue(())
        };
        read_segment(file, from, end, |chunk| {
            let _ = stream.feed(chunk, &mut count);
        })?;
        let _ = stream.finish(&mut count);
        Ok(n)
    }
}

/// Reads `[start, end)` of `file` in chunks into `each` (less if the file shrank).
pub(crate) fn read_segment(
    file: &std::fs::File,
    start: u64,
    end: u64,
    mut each: impl FnMut(&[u8]),
) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; crate::job::CHUNK];
    let mut at = start;
    while at < end {
        let want = ((end - at) as usize).min(buf.len());
        let got = match file.read_at(&mut buf[..want], at) {
            Ok(0) => break, // the file shrank: count what is there
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        each(&buf[..got]);
        at += got as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;
    use std::sync::Arc;

    use crate::{Match, MatchKind, Matcher, Options};

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hayscan-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_gives_the_whole_buffer_matches_across_chunk_edges() {
        // Matches straddle every 256 KiB chunk edge: "needle" repeated with an odd period.
        let mut text = Vec::new();
        while text.len() < 3 * crate::job::CHUNK + 17 {
            text.extend_from_slice(b"xx needle y\xC3\xA9 NEEDLE ");
        }
        let path = temp("edges.txt", &text);
        for kind in [MatchKind::LeftmostFirst, MatchKind::Overlapping] {
            for case_insensitive in [false, true] {
                let opts = Options {
                    match_kind: kind,
                    case_insensitive,
                    ..Options::default()
                };
                let m = Arc::new(Matcher::new(&["needle", "edle y\u{e9}", "e"], &opts).unwrap());
                let want: Vec<Match> = m.find_iter(&text).collect();
                let mut got = Vec::new();
                let report = m
                    .scan_file(&path, |x| {
                        got.push(x);
                        ControlFlow::Continue(())
                    })
                    .unwrap();
                assert_eq!(got, want);
                assert_eq!((report.matches, report.stopped), (want.len(), false));
                assert_eq!(m.count_file(&path).unwrap(), want.len());
            }
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_callback_that_stops_stops_the_reading() {
        let path = temp("stop.txt", &b"ab ".repeat(200_000));
        let m = Arc::new(Matcher::new(&["ab"], &Options::default()).unwrap());
        let mut seen = 0;
        let report = m
            .scan_file(&path, |_| {
                seen += 1;
                if seen == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .unwrap();
        assert_eq!((seen, report.matches, report.stopped), (3, 3, true));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn regex_sets_scan_the_file_line_by_line() {
        let path = temp("lines.txt", b"key=1\nkey=22\nnokey\n");
        let m = Arc::new(Matcher::new(&["^key=\\d+$"], &Options::regex()).unwrap());
        assert_eq!(m.count_file(&path).unwrap(), 2);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn missing_files_and_directories_are_errors() {
        let m = Arc::new(Matcher::new(&["a"], &Options::default()).unwrap());
        let missing = std::env::temp_dir().join("hayscan-no-such-file-here");
        assert_eq!(
            m.count_file(&missing).unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
        let dir = std::env::temp_dir();
        let err = m.count_file(&dir).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn character_devices_and_pipes_are_read_like_files() {
        let m = Arc::new(Matcher::new(&["a"], &Options::default()).unwrap());
        assert_eq!(m.count_file("/dev/null").unwrap(), 0);
        // A FIFO: written by a thread while the scan reads it.
        let dir = std::env::temp_dir().join(format!("hayscan-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo (coreutils) failed");
        let writer_path = fifo.clone();
        let writer = std::thread::spawn(move || {
            std::fs::write(writer_path, b"a b a ".repeat(100_000)).unwrap();
        });
        assert_eq!(m.count_file(&fifo).unwrap(), 200_000);
        writer.join().unwrap();
        std::fs::remove_file(fifo).unwrap();
    }

    #[test]
    fn parallel_file_counts_equal_count_file_at_every_split() {
        let mut text = Vec::new();
        let mut i = 0u32;
        while text.len() < 5000 {
            // Lines of varied length, some long enough for the frame cut, one without "\n".
            let len = (i * 7919) % 90;
            text.extend(std::iter::repeat_n(b"ab "[(i % 3) as usize], len as usize));
            text.extend_from_slice(b"needle\n");
            if i % 17 == 0 {
                text.push(b'\n');
            }
            i += 1;
        }
        text.extend_from_slice(b"tail needle");
        let path = temp("parallel.txt", &text);
        let regex = |p: &[&str], max_line_len| {
            Arc::new(
                Matcher::new(
                    p,
                    &Options {
                        max_line_len,
                        ..Options::regex()
                    },
                )
                .unwrap(),
            )
        };
        let literal = |p: &[&str], match_kind| {
            Arc::new(
                Matcher::new(
                    p,
                    &Options {
                        match_kind,
                        ..Options::default()
                    },
                )
                .unwrap(),
            )
        };
        let sets = [
            regex(&["needle", "^a+", "b*$", r"\bab"], 1 << 20),
            regex(&["^", "$", "e\\s*n"], 1 << 20),
            regex(&["a{3}", "^."], 40),
            literal(&["needle", "e\nb", "ab", "a"], MatchKind::Overlapping),
            literal(&["needle", "ab"], MatchKind::LeftmostFirst),
        ];
        for (k, m) in sets.iter().enumerate() {
            let want = m.count_file(&path).unwrap();
            for threads in [2, 3, 7, 16] {
                for min in [1, 10, 333, 4000] {
                    let got = m.count_file_split(&path, threads, min).unwrap();
                    assert_eq!(
                        got, want,
                        "set {k}: {threads} threads, segments of at least {min}"
                    );
                }
            }
            assert_eq!(m.count_file_parallel(&path, 0).unwrap(), want);
        }
        assert!(sets[0]
            .count_file_parallel(path.with_file_name("missing"), 2)
            .is_err());
    }
}
