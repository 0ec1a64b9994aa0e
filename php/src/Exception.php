<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * Implemented by every exception hayscan throws, so `catch (Hayscan\Exception $e)` catches
 * them all. Each one also extends its SPL counterpart (the Guzzle / Symfony convention):
 * {@see InvalidArgumentException} and {@see InvalidPatternException} are
 * `\InvalidArgumentException`s; {@see ClosedException}, {@see StreamBusyException},
 * {@see StreamFinishedException} and {@see FiberSuspendException} (misuse the caller can
 * avoid) are `\LogicException`s; {@see UnsupportedException} is a `\DomainException`;
 * {@see CallbackDepthException} is an `\OverflowException`; {@see BuildException},
 * {@see LibraryException} and {@see PanicException} are `\RuntimeException`s.
 *
 * The code is a {@see Status} value: the library's status for native failures, a negative
 * wrapper code for closed handles and loading errors.
 *
 * Exceptions thrown by your own callbacks are not wrapped: they reach you unchanged.
 */
interface Exception extends \Throwable
{
    /** The {@see Status} code (same as getCode()). */
    public function getStatus(): int;
}
