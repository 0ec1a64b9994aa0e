<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Hit;
use Hayscan\Stream;

/** An invokable handler that records its calls and its destruction. */
final class Probe
{
    /** @var list<string> */
    public static array $destroyed = [];
    /** @var list<string> */
    public static array $calls = [];
    public ?\Closure $onCall = null;
    public ?int $id = null;
    public ?Stream $stream = null;
    public ?\Throwable $throwOnDestruct = null;

    public function __construct(public readonly string $name)
    {
    }

    public function __invoke(Hit $hit): void
    {
        self::$calls[] = $this->name;
        if ($this->onCall !== null) {
            ($this->onCall)($this);
        }
    }

    public function __destruct()
    {
        self::$destroyed[] = $this->name;
        if ($this->throwOnDestruct !== null) {
            throw $this->throwOnDestruct;
        }
    }
}
