<?php

// PHPUnit bootstrap without Composer: a PSR-4 autoloader for Hayscan\ (src/) and
// Hayscan\Tests\ (tests/), the same mapping composer.json declares.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $roots = [
        'Hayscan\\Tests\\' => __DIR__ . '/',
        'Hayscan\\' => dirname(__DIR__) . '/src/',
    ];
    foreach ($roots as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
