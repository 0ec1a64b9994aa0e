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
            Err(Error::Io {
                kind,
                os_code,
                message,
            }) => Err(match os_code {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(kind, message),
            }),
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
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
}
