<?php

// PHPUnit bootstrap without Composer: the package's PSR-4 autoloader (autoload.php, the
// mapping composer.json declares) plus Hayscan\Tests\ -> tests/.

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Hayscan\\Tests\\')) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen('Hayscan\\Tests\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
