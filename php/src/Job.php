<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * A scan running on a native worker thread (`hayscan_job_t`, `HAYSCAN_JOB_COLLECT`): the
 * worker queues matches in batches, and this thread drains them between native calls and
 * runs the PHP callbacks itself. No Rust frame is ever below a PHP callback, so exceptions,
 * exit(), fatal errors and Fiber::suspend() inside a callback skip nothing native: the job
 * is freed by free() (a finally block or the destructor), or after a fatal error by
 * {@see RequestCleanup}. PHP is never called from the worker thread.
 *
 * @internal
 */
final class Job
{
    /** Matches per batch (the worker queues at most MAX_QUEUED batches ahead of PHP). */
    public const BATCH = 4096;
    public const MAX_QUEUED = 4;

    private ?CData $handle;
    private int $token;
    private CData $buf;
    private CData $len;
    /** A string job's bytes: the job borrows them, so they are freed after it, never before. */
    private ?CData $copy = null;

    /** The file a file job reads, for error messages. */
    private string $path = '';

    private const MATCH_SIZE = 24;
    /** Whether a batch can be read with one unpack('Q*') (64-bit little-endian, 24-byte matches). */
    private static ?bool $flat = null;

    private function __construct(CData $handle)
    {
        self::$flat ??= PHP_INT_SIZE === 8 && pack('S', 1) === "\x01\x00"
            && FFI::sizeof(Library::type('hayscan_match_t')) === self::MATCH_SIZE;
        $this->handle = $handle;
        $this->token = RequestCleanup::hold('hayscan_job_free', $handle);
        $ffi = Library::ffi();
        $this->buf = $ffi->new(Library::type('hayscan_match_t[' . self::BATCH . ']'));
        $this->len = Library::new('size_t');
    }

    /**
     * Starts scanning the file at $path on a worker thread (opened there: a file that
     * cannot be read fails in finish()).
     *
     * @throws InvalidArgumentException $path is empty or contains a NUL byte
     */
    public static function file(CData $matcher, string $path): self
    {
        $ffi = Library::ffi();
        $out = Library::new('hayscan_job_t *');
        $status = $ffi->hayscan_matcher_start_file_job($matcher, $path, strlen($path), FFI::addr(self::options($ffi)), FFI::addr($out));
        if ($status !== Status::OK) {
            throw Library::failFile($status, $path);
        }
        $job = new self($out);
        $job->path = $path;
        return $job;
    }

    /** Starts scanning $text on a worker thread; the job borrows the string's bytes. */
    public static function text(CData $matcher, string $text): self
    {
        $ffi = Library::ffi();
        $hay = $ffi->new(Library::type('hayscan_bytes_t'));
        $len = strlen($text);
        // A struct field cannot point into a PHP string: the job borrows a C copy, which
        // lives as long as the job (and counts against memory_limit like the string).
        $copy = $len > 0 ? $ffi->new("char[$len]", false) : null;
        if ($copy !== null) {
            FFI::memcpy($copy, $text, $len);
            $hay->ptr = $ffi->cast('char *', $copy);
            $hay->len = $len;
        }
        $out = Library::new('hayscan_job_t *');
        $status = $ffi->hayscan_matcher_start_job($matcher, $hay, FFI::addr(self::options($ffi)), FFI::addr($out));
        if ($status !== Status::OK) {
            if ($copy !== null) {
                FFI::free($copy);
            }
            throw Library::fail($status);
        }
        $self = new self($out);
        $self->copy = $copy;
        return $self;
    }

    /**
     * Runs $callback(Hit) for each match, in order, on this thread, until it returns false
     * (the scan is then cancelled); returns the number of matches delivered. Throws what
     * the callback throws, or the scan's error (IoException for a file) once the matches
     * found before it are delivered.
     *
     * @param callable(Hit): mixed $callback
     * @param list<string>|null $texts each pattern's text (a Hit's text), or null: none
     * @param string|null $haystack cut a Hit's text from this string instead
     */
    public function each(\Closure $callback, ?array $texts, ?string $haystack = null): int
    {
        $handle = $this->handle ?? throw new \LogicException('hayscan: the job was freed');
        $ffi = Library::ffi();
        $buf = $this->buf;
        $lenPtr = FFI::addr($this->len);
        $delivered = 0;
        while (true) {
            $status = $ffi->hayscan_job_next_batch($handle, $buf, self::BATCH, $lenPtr);
            if ($status !== Status::OK) {
                throw Library::fail($status);
            }
            $n = $this->len->cdata;
            if ($n === 0) {
                break;
            }
            // One copy and one unpack per batch instead of three FFI reads per match:
            // [pattern (low 32 bits; the high ones are padding), start, end] per match.
            $words = self::$flat ? unpack('Q*', FFI::string($buf, self::MATCH_SIZE * $n)) : self::fields($buf, $n);
            for ($w = 1, $last = 3 * $n; $w <= $last; $w += 3) {
                $pattern = $words[$w] & 0xFFFFFFFF;
                $start = $words[$w + 1];
                $end = $words[$w + 2];
                $delivered++;
                $text = $haystack !== null ? substr($haystack, $start, $end - $start) : ($texts[$pattern] ?? null);
                if ($callback(new Hit($pattern, $start, $end, $text)) === false) {
                    $this->cancel();
                    return $delivered;
                }
            }
        }
        $this->finish();
        return $delivered;
    }

    /** Asks the worker to stop (it stops at its next check; matches found stay queued). */
    public function cancel(): void
    {
        if ($this->handle !== null) {
            $status = Library::ffi()->hayscan_job_cancel($this->handle);
            if ($status !== Status::OK) {
                throw Library::fail($status);
            }
        }
    }

    /**
     * Waits for the worker and returns the number of matches it found; throws the scan's
     * error (IoException: the file cannot be read).
     */
    public function finish(): int
    {
        $handle = $this->handle ?? throw new \LogicException('hayscan: the job was freed');
        $ffi = Library::ffi();
        $outcome = $ffi->new(Library::type('hayscan_job_outcome_t'));
        $status = $ffi->hayscan_job_wait($handle, FFI::addr($outcome));
        if ($status !== Status::OK) {
            throw $this->path !== '' ? Library::failFile($status, $this->path) : Library::fail($status);
        }
        return $outcome->matches;
    }

    /** Cancels the scan, waits for the worker and frees the job. Idempotent. */
    public function free(): void
    {
        if ($this->handle === null) {
            return;
        }
        $handle = $this->handle;
        $this->handle = null;
        RequestCleanup::release($this->token);
        Library::ffi()->hayscan_job_free($handle);
        if ($this->copy !== null) {
            FFI::free($this->copy);
            $this->copy = null;
        }
    }

    public function __destruct()
    {
        $this->free();
    }

    /**
     * As the unpack() of a batch, read field by field: where hayscan_match_t is not three
     * little-endian 8-byte words.
     *
     * @return array<int, int> 1-based, three entries per match
     */
    private static function fields(CData $buf, int $n): array
    {
        $words = [];
        $w = 1;
        for ($i = 0; $i < $n; $i++) {
            $m = $buf[$i];
            $words[$w++] = $m->pattern;
            $words[$w++] = $m->start;
            $words[$w++] = $m->end;
        }
        return $words;
    }

    private static function options(FFI $ffi): CData
    {
        $options = $ffi->new(Library::type('hayscan_job_options_t'));
        $status = $ffi->hayscan_job_options_init(FFI::addr($options));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $options->delivery = Library::JOB_COLLECT;
        $options->batch = self::BATCH;
        $options->max_queued = self::MAX_QUEUED;
        return $options;
    }
}
