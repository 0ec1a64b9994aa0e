<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\BuildException;
use Hayscan\CallbackDepthException;
use Hayscan\ClosedException;
use Hayscan\Exception;
use Hayscan\FiberSuspendException;
use Hayscan\InvalidArgumentException;
use Hayscan\InvalidPatternException;
use Hayscan\Library;
use Hayscan\LibraryException;
use Hayscan\Matcher;
use Hayscan\PanicException;
use Hayscan\Status;
use Hayscan\StreamBusyException;
use Hayscan\StreamFinishedException;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\UnsupportedException;
use PHPUnit\Framework\TestCase;

/**
 * Every hayscan exception extends its SPL counterpart and implements Hayscan\Exception:
 * checked on the class tree, then on the exceptions the API really throws.
 */
final class ExceptionsTest extends TestCase
{
    use ChecksLiveObjects;

    /** @return iterable<string, array{class-string, class-string, int}> */
    public static function hierarchy(): iterable
    {
        yield 'invalid argument' => [InvalidArgumentException::class, \InvalidArgumentException::class, Status::INVALID_ARGUMENT];
        yield 'invalid pattern' => [InvalidPatternException::class, \InvalidArgumentException::class, Status::INVALID_PATTERN];
        yield 'unsupported' => [UnsupportedException::class, \DomainException::class, Status::UNSUPPORTED];
        yield 'build' => [BuildException::class, \RuntimeException::class, Status::BUILD_FAILED];
        yield 'closed' => [ClosedException::class, \LogicException::class, Status::CLOSED];
        yield 'stream busy' => [StreamBusyException::class, \LogicException::class, Status::BUSY];
        yield 'stream finished' => [StreamFinishedException::class, \LogicException::class, Status::STREAM_FINISHED];
        yield 'fiber suspend' => [FiberSuspendException::class, \LogicException::class, Status::FIBER_SUSPEND];
        yield 'callback depth' => [CallbackDepthException::class, \OverflowException::class, Status::CALLBACK_DEPTH];
        yield 'library' => [LibraryException::class, \RuntimeException::class, Status::LIBRARY];
        yield 'panic' => [PanicException::class, \RuntimeException::class, Status::PANIC];
    }

    /**
     * @dataProvider hierarchy
     * @param class-string $class
     * @param class-string $spl
     */
    public function testEachExceptionExtendsItsSplCounterpartAndImplementsTheBase(string $class, string $spl, int $status): void
    {
        $previous = new \RuntimeException('cause');
        $e = $class === InvalidPatternException::class ? new $class('msg', 3, $previous) : new $class('msg', $previous);
        self::assertInstanceOf($spl, $e);
        self::assertInstanceOf(Exception::class, $e);
        self::assertSame($status, $e->getCode());
        self::assertSame($status, $e->getStatus());
        self::assertSame('msg', $e->getMessage());
        self::assertSame($previous, $e->getPrevious());
        self::assertTrue((new \ReflectionClass($class))->isFinal(), "$class is final");
    }

    public function testTheBaseIsAnInterfaceThatOnlyHayscanExceptionsImplement(): void
    {
        self::assertTrue((new \ReflectionClass(Exception::class))->isInterface());
        self::assertNotInstanceOf(Exception::class, new \InvalidArgumentException('not ours'));
    }

    /** @return iterable<string, array{\Closure(): mixed, class-string, class-string}> */
    public static function thrown(): iterable
    {
        yield 'unknown option' => [static fn () => new Matcher(['a'], ['bogus' => 1]), InvalidArgumentException::class, \InvalidArgumentException::class];
        yield 'bad regex' => [static fn () => Matcher::regex(['(']), InvalidPatternException::class, \InvalidArgumentException::class];
        yield 'regex with overlapping' => [static fn () => Matcher::regex(['a'], ['match_kind' => 'overlapping']), UnsupportedException::class, \DomainException::class];
        yield 'closed matcher' => [static function (): void {
            $m = new Matcher(['a']);
            $m->close();
            $m->count('a');
        }, ClosedException::class, \LogicException::class];
        yield 'finished stream' => [static function (): void {
            $m = new Matcher(['a']);
            $s = $m->stream();
            try {
                $s->finish();
                $s->feed('a');
            } finally {
                $s->close();
                $m->close();
            }
        }, StreamFinishedException::class, \LogicException::class];
        yield 'stream fed by its own handler' => [static function (): void {
            $m = new Matcher(['a']);
            $s = $m->stream();
            $s->on(static function () use ($s): void {
                $s->feed('a');
            });
            try {
                $s->feed('a');
            } finally {
                $s->close();
                $m->close();
            }
        }, StreamBusyException::class, \LogicException::class];
        yield 'callbacks nested too deep' => [static function (): void {
            $m = new Matcher(['a']);
            Library::setMaxCallbackDepth(1);
            try {
                $m->scan('a', static fn () => $m->count('a') + $m->scan('a', static fn () => null));
            } finally {
                Library::setMaxCallbackDepth(1000);
                $m->close();
            }
        }, CallbackDepthException::class, \OverflowException::class];
        yield 'configure after loading' => [static fn () => Library::configure('/nonexistent/libhayscan.so'), LibraryException::class, \RuntimeException::class];
    }

    /**
     * @dataProvider thrown
     * @param \Closure(): mixed $call
     * @param class-string $class
     * @param class-string $spl
     */
    public function testTheApiThrowsThem(\Closure $call, string $class, string $spl): void
    {
        Library::version(); // loaded, so configure() refuses
        try {
            $call();
            self::fail("expected $class");
        } catch (Exception $e) { // the one base type catches each of them
            self::assertInstanceOf($class, $e);
            self::assertInstanceOf($spl, $e);
        }
    }
}
