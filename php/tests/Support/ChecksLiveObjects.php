<?php

declare(strict_types=1);

namespace Hayscan\Tests\Support;

use Hayscan\Library;

/**
 * Fails a test that leaves native objects behind: the live-object count after the test
 * (and a collection) must equal the count before it.
 */
trait ChecksLiveObjects
{
    private int $live;

    protected function setUp(): void
    {
        gc_collect_cycles();
        $this->live = Library::liveObjects();
    }

    protected function tearDown(): void
    {
        gc_collect_cycles();
        self::assertSame($this->live, Library::liveObjects(), 'native objects leaked by this test');
    }
}
